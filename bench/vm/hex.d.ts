/**
 * bench/vm/hex.d.ts — the host type-check's view of DeviceScript's global
 * hex`` tag, used by the generated trace modules (bench/vm/gen_traces.ts).
 * The devs compiler has its own declaration and turns each literal into a
 * read-only Buffer in flash; on the host the tag has no runtime value (the
 * generated modules run only in the VM; Node replays the same traces from
 * bench/trace/encode.ts).
 */
declare function hex(lits: TemplateStringsArray, ...args: unknown[]): import("@devicescript/core").Buffer
