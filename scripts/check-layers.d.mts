/** Types of check-layers.mjs, for the test that calls it. */
export declare const LAYERS: Record<string, string[]>;
export declare const PENDING: { from: string; to: string }[];
export declare function partOf(file: string): string;
export declare function findTableCycle(layers?: Record<string, string[]>): string[] | null;
export declare function checkLayers(srcDir: string): string[];
