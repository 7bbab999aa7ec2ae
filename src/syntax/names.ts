/**
 * httpd matches directive and section names case-insensitively (ap_find_command uses strcasecmp) while the
 * file keeps the case it was written in. Every comparison of names in apx goes through these two helpers.
 */

/** The key to index names by: ASCII lower case, as strcasecmp compares. */
export function nameKey(name: string): string {
  return name.toLowerCase();
}

export function sameName(a: string, b: string): boolean {
  return a.length === b.length && nameKey(a) === nameKey(b);
}
