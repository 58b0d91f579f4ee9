/** Version of the wt-fallback library this client belongs to. */
export declare const VERSION: string;
