export interface ErpSimulator { url: string; close(): Promise<void>; state: unknown }
export function startErpSimulator(opts?: { port?: number; host?: string; token?: string; quiet?: boolean; unref?: boolean }): Promise<ErpSimulator>;
