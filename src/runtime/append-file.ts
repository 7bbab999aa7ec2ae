/**
 * A log file appended to as httpd's mod_log_config does it: a blocking write(2) from the thread serving the
 * request (BufferedLogs Off), not fs.createWriteStream's trip through libuv's thread pool. batchedWriter (logs.ts)
 * corks the stream for one event-loop turn, so a busy worker makes one write per turn for all its lines; the pool
 * hop that write would otherwise cost (a futex wake, a context switch, an eventfd completion — more than the write
 * itself on a loaded 2-core machine) is measured in docs/performance.md.
 *
 * The cost of the choice is httpd's too: storage that stalls stalls the worker while it writes. A log on a network
 * filesystem is better piped (`--access-log -`).
 */
import { close, open, writeSync } from 'node:fs';
import { Writable } from 'node:stream';

export class AppendFile extends Writable {
  private fd: number | null = null;

  constructor(readonly path: string) {
    super({ decodeStrings: false, defaultEncoding: 'utf8' });
  }

  override _construct(callback: (error?: Error | null) => void): void {
    open(this.path, 'a', 0o644, (err, fd) => {
      if (err) return callback(err);
      this.fd = fd;
      callback();
      // As fs.WriteStream announces it.
      this.emit('open', fd);
    });
  }

  override _write(chunk: string | Buffer, _encoding: BufferEncoding, callback: (error?: Error | null) => void): void {
    this.writeAll(typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk, callback);
  }

  override _writev(chunks: { chunk: string | Buffer }[], callback: (error?: Error | null) => void): void {
    // A turn's log lines are strings: one join and one encoding for the batch, not one Buffer per line.
    if (chunks.every(({ chunk }) => typeof chunk === 'string')) {
      this.writeAll(Buffer.from(chunks.map(({ chunk }) => chunk as string).join(''), 'utf8'), callback);
      return;
    }
    this.writeAll(Buffer.concat(chunks.map(({ chunk }) => (typeof chunk === 'string' ? Buffer.from(chunk, 'utf8') : chunk))), callback);
  }

  /** The file is opened without O_NONBLOCK (a FIFO such as /dev/stdout too), so a write waits for room. */
  private writeAll(data: Buffer, callback: (error?: Error | null) => void): void {
    try {
      for (let done = 0; done < data.length; ) done += writeSync(this.fd!, data, done);
    } catch (err) {
      return callback(err as Error);
    }
    callback();
  }

  override _destroy(error: Error | null, callback: (error?: Error | null) => void): void {
    if (this.fd === null) return callback(error);
    const fd = this.fd;
    this.fd = null;
    close(fd, (err) => callback(error ?? err));
  }
}
