/** References between a transaction's entries and to records Settle already holds. */
export type ParsedReference =
  /** Another entry of the bundle, by its fullUrl (`urn:uuid:…`). */
  | { kind: 'entry'; index: number }
  /** A record Settle holds, by its FHIR id: `Patient/0190…`. */
  | { kind: 'id'; type: string; id: string }
  /** A record by one of its identifiers: `Patient?identifier=system|value`. */
  | { kind: 'identifier'; type: string; system: string; value: string };

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** `identifier=system|value` (a conditional create's ifNoneExist, a conditional URL's query); null otherwise. */
export function parseIdentifierQuery(query: string): { system: string; value: string } | null {
  const match = /^identifier=([^|&]+)\|([^|&]+)$/.exec(query);
  if (!match) return null;
  try {
    return { system: decodeURIComponent(match[1]!), value: decodeURIComponent(match[2]!) };
  } catch {
    return null;
  }
}

/** A reference's target, or null when it is not one this adapter can follow. */
export function parseReference(
  reference: string,
  fullUrls: ReadonlyMap<string, number>,
): ParsedReference | null {
  const index = fullUrls.get(reference);
  if (index !== undefined) return { kind: 'entry', index };
  const byId = /^([A-Z][A-Za-z]+)\/([^/?]+)$/.exec(reference);
  if (byId) return { kind: 'id', type: byId[1]!, id: byId[2]! };
  const byIdentifier = /^([A-Z][A-Za-z]+)\?(.+)$/.exec(reference);
  if (byIdentifier) {
    const identifier = parseIdentifierQuery(byIdentifier[2]!);
    if (identifier) return { kind: 'identifier', type: byIdentifier[1]!, ...identifier };
  }
  return null;
}

export function isUuid(id: string): boolean {
  return UUID.test(id);
}

/** Every `reference` string in the resources (walked without recursion): what to look up before mapping. */
export function allReferences(resources: unknown[]): string[] {
  const found: string[] = [];
  const stack: unknown[] = [...resources];
  let visited = 0;
  while (stack.length > 0 && visited++ < 100_000) {
    const value = stack.pop();
    if (Array.isArray(value)) stack.push(...value);
    else if (value && typeof value === 'object') {
      for (const [key, child] of Object.entries(value)) {
        if (key === 'reference' && typeof child === 'string') found.push(child);
        else stack.push(child);
      }
    }
  }
  return found;
}
