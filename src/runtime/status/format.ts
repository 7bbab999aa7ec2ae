/** Number and time formats mod_status prints with (APR's %g, ap_ht_time's default, show_time). */

/**
 * C's `%g` as APR prints it: 6 significant digits, trailing zeros dropped, and no leading zero before the point
 * (`DurationPerReq: .2`, observed on httpd 2.4.71).
 */
export function aprG(value: number): string {
  if (!Number.isFinite(value)) return '0';
  if (value === 0) return '0';
  const exp = Math.floor(Math.log10(Math.abs(value)));
  let text: string;
  if (exp < -4 || exp >= 6) {
    const [m, e] = value.toExponential(5).split('e') as [string, string];
    const n = Number(e);
    text = `${m.replace(/\.?0+$/, '')}e${n < 0 ? '-' : '+'}${String(Math.abs(n)).padStart(2, '0')}`;
  } else {
    text = value.toPrecision(6);
    if (text.includes('.')) text = text.replace(/\.?0+$/, '');
  }
  return text.replace(/^(-?)0\./, '$1.');
}

const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number): string => String(n).padStart(2, '0');

/** ap_ht_time(DEFAULT_TIME_FORMAT) in UTC: `Wednesday, 25-Nov-2026 13:49:18 UTC`. */
export function htTime(ms: number): string {
  const d = new Date(ms);
  return `${DAYS[d.getUTCDay()]}, ${two(d.getUTCDate())}-${MONTHS[d.getUTCMonth()]}-${d.getUTCFullYear()} ${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())} UTC`;
}

/** mod_status show_time: ` 1 day 2 hours 3 minutes 4 seconds`, zero parts left out (so 0 s is empty). */
export function showTime(totalSeconds: number): string {
  let t = Math.max(0, Math.floor(totalSeconds));
  const secs = t % 60;
  t = Math.floor(t / 60);
  const mins = t % 60;
  t = Math.floor(t / 60);
  const hrs = t % 24;
  const days = Math.floor(t / 24);
  const part = (n: number, unit: string): string => (n ? ` ${n} ${unit}${n === 1 ? '' : 's'}` : '');
  return part(days, 'day') + part(hrs, 'hour') + part(mins, 'minute') + part(secs, 'second');
}
