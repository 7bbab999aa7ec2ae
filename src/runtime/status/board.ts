/**
 * mod_status's scoreboard, for an event loop: counters the request path updates (begin/end per request, open/close
 * per connection) and a snapshot the page renders. httpd keeps one slot per worker thread; apx has no thread pool,
 * so "busy" is the number of requests in progress and "idle" the open client connections waiting for their next
 * request (keep-alive) — the two figures monitoring reads from `?auto` (BusyWorkers, IdleWorkers).
 */
export interface ServerCounts {
  /** `main server` or the vhost's id. */
  readonly label: string;
  /** ServerName (or the host name apx falls back to). */
  readonly name: string;
  accesses: number;
  bytes: number;
  busy: number;
}

export interface StatusSnapshot {
  readonly now: number;
  readonly restartTime: number;
  /** ParentServerConfigGeneration: 1, plus one per successful reload. */
  readonly generation: number;
  readonly accesses: number;
  readonly bytes: number;
  /** Total Duration, milliseconds (mod_status sums each request's duration). */
  readonly durationMs: number;
  readonly busy: number;
  readonly connections: number;
  readonly servers: readonly Readonly<ServerCounts>[];
}

export class StatusBoard {
  private accesses = 0;
  private bytes = 0;
  private durationMs = 0;
  private busy = 0;
  private connections = 0;
  private readonly servers = new Map<string, ServerCounts>();
  generation = 1;

  constructor(readonly restartTime: number = Date.now()) {}

  private server(label: string, name: string): ServerCounts {
    let s = this.servers.get(label);
    if (!s) {
      s = { label, name, accesses: 0, bytes: 0, busy: 0 };
      this.servers.set(label, s);
    }
    return s;
  }

  /** A request starts (httpd's slot goes to R/W). */
  begin(label: string, name: string): void {
    this.busy++;
    this.server(label, name).busy++;
  }

  /** A request ends: it counts as an access with the body bytes sent (r->bytes_sent), as mod_status does. */
  end(label: string, name: string, bytes: number, durationMs: number): void {
    const s = this.server(label, name);
    this.busy = Math.max(0, this.busy - 1);
    s.busy = Math.max(0, s.busy - 1);
    this.accesses++;
    s.accesses++;
    this.bytes += bytes;
    s.bytes += bytes;
    this.durationMs += durationMs;
  }

  /** A client connection opened; call the returned function when it closes. */
  connection(): () => void {
    this.connections++;
    let closed = false;
    return () => {
      if (closed) return;
      closed = true;
      this.connections--;
    };
  }

  snapshot(now: number = Date.now()): StatusSnapshot {
    return {
      now,
      restartTime: this.restartTime,
      generation: this.generation,
      accesses: this.accesses,
      bytes: this.bytes,
      durationMs: Math.round(this.durationMs),
      busy: this.busy,
      connections: this.connections,
      servers: [...this.servers.values()].map((s) => ({ ...s })),
    };
  }
}
