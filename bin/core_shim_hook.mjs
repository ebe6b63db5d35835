// A Node module resolve hook (registered by bin/bareheap.mjs): inside
// bareheap's own files, "@devicescript/core" is the host shim sim/core.ts.
// tsconfig "paths" would say the same, but tsx applies them only to files
// outside node_modules — and in a consumer's project bareheap lives there.
const ROOT = new URL("../", import.meta.url).href
const SHIM = new URL("../sim/core.ts", import.meta.url).href

export async function resolve(specifier, context, next) {
    const parent = context.parentURL ?? ""
    if (specifier === "@devicescript/core" && parent.startsWith(ROOT) && !parent.startsWith(ROOT + "node_modules/")) return next(SHIM, context) // through tsx's resolve, which marks it for its loader
    return next(specifier, context)
}
