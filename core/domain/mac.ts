/** MAC addresses in one form everywhere: upper-case hex pairs joined by colons (RouterOS's default). */
export function normalizeMac(input: string | undefined | null): string | undefined {
  if (!input) return undefined;
  const hex = input.trim().replace(/[:\-.\s]/g, '');
  if (!/^[0-9a-fA-F]{12}$/.test(hex)) return undefined;
  return hex.toUpperCase().match(/../g)!.join(':');
}

/** The reporting form: the vendor half kept, the device half hidden (UU PDP: least data for the role). */
export function maskMac(mac: string): string {
  const normal = normalizeMac(mac);
  if (!normal) return 'XX:XX:XX:XX:XX:XX';
  return `${normal.slice(0, 8)}:XX:XX:XX`;
}
