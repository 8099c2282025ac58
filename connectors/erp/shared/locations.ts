/**
 * `settings.locations` both ways: Switchyard location → ERP location or warehouse code, and back.
 * With no mapping configured, codes pass through unchanged; with one, ERP codes it does not name
 * are left out of stock and shipments (the contract's rule).
 */

export class LocationMap {
  readonly configured: boolean;
  readonly #toErp = new Map<string, string>();
  readonly #toSwitchyard = new Map<string, string>();

  /** `foldCase`: the ERP compares codes case-insensitively (BC upper-cases Code fields). */
  constructor(mapping: Record<string, string> | undefined, private readonly foldCase = false) {
    this.configured = !!mapping && Object.keys(mapping).length > 0;
    for (const [sw, erp] of Object.entries(mapping ?? {})) {
      this.#toErp.set(sw, erp);
      this.#toSwitchyard.set(this.#key(erp), sw);
    }
  }

  #key(code: string): string {
    return this.foldCase ? code.toUpperCase() : code;
  }

  /** The ERP code for a Switchyard location; undefined when a mapping exists and does not name it. @example map.toErp("DC1") // "MAIN" */
  toErp(location: string): string | undefined {
    return this.configured ? this.#toErp.get(location) : location;
  }

  /** The Switchyard location for an ERP code; null when a mapping exists and does not name it. */
  toSwitchyard(code: string): string | null {
    return this.configured ? (this.#toSwitchyard.get(this.#key(code)) ?? null) : code;
  }

  /** The ERP codes the mapping names (empty with no mapping). */
  erpCodes(): string[] {
    return [...this.#toErp.values()];
  }
}
