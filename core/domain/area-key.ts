/**
 * The key an area name or alias is looked up by: lower case, accents and punctuation folded to single
 * spaces ("Rawa  Buntu", "rawa-buntu" and "RAWA BUNTU" all meet). The seed migration stores aliases
 * under the same key (migrations/20261123000200_seed_areas.ts keeps its own copy: migrations never
 * import app code), so the two must stay identical.
 */
export function areaKey(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, ' ').trim();
}
