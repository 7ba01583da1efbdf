// Tells whether a URL host is on this machine (the only place plain http may go).
/** True for 127.0.0.0/8, ::1 and localhost (brackets allowed): the only hosts plain http may reach. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host === '::1') return true;
  return /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.test(host) && host.split('.').every((n) => Number(n) <= 255);
}
