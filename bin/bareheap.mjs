#!/usr/bin/env node
// The `bareheap` command (package.json "bin"). The tools are TypeScript that
// shares its sources with the firmware, so tsx loads them; nothing is compiled
// ahead of time. cli/bareheap.ts does the work.
import { register } from "tsx/esm/api"

register()
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
