#!/usr/bin/env node
// The `bareheap` command (package.json "bin"). The tools are TypeScript that
// shares its sources with the firmware, so tsx loads them; nothing is compiled
// ahead of time. cli/bareheap.ts does the work.
import { register as registerHooks } from "node:module"
import { fileURLToPath } from "node:url"
import { register } from "tsx/esm/api"

// bareheap's own tsconfig, wherever the command runs (a consumer's project too).
register({ tsconfig: fileURLToPath(new URL("../tsconfig.json", import.meta.url)) })
// Registered after tsx, so it resolves first: "@devicescript/core" → sim/core.ts.
registerHooks("./core_shim_hook.mjs", import.meta.url)
// Piped into `head` or `less` that quits: the reader is gone, so stop quietly.
process.stdout.on("error", e => {
    if (e.code === "EPIPE") process.exit(process.exitCode ?? 0)
    throw e
})
const { bareheap } = await import("../cli/bareheap.ts")
try {
    process.exitCode = await bareheap(process.argv.slice(2))
} catch (e) {
    // An unexpected error may quote input (a file's content, a stream's line): escape it like every message.
    const { escapeText } = await import("../sim/escape.ts")
    process.stderr.write(`bareheap: ${escapeText(e instanceof Error ? e.message : String(e), 2000)}\n`)
    process.exitCode = 1
}
