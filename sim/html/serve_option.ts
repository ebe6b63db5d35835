/**
 * sim/html/serve_option.ts — the `--serve [<port>]` option of `bareheap view`
 * and `bareheap monitor`: a flag with an optional port, which node's
 * parseArgs cannot express, so it is taken out of argv before parseArgs runs.
 *
 *   takeServeOption(["--serve", "8080", "run.log"]) → { args: ["run.log"], serve: 8080 }
 *   takeServeOption(["--serve", "run.log"])         → { args: ["run.log"], serve: 0 }   (0: a free port)
 *   takeServeOption(["run.log"])                    → { args: ["run.log"], serve: null }
 *
 * A port above 65535 is an Error (the verbs turn it into a usage error).
 */
export function takeServeOption(argv: string[]): { args: string[]; serve: number | null } {
    const i = argv.indexOf("--serve")
    if (i < 0) return { args: argv, serve: null }
    const next = argv[i + 1]
    const hasPort = next !== undefined && /^\d+$/.test(next)
    const serve = hasPort ? Number(next) : 0
    if (serve > 65535) throw new Error(`--serve port must be 0..65535, got ${serve}`)
    return { args: [...argv.slice(0, i), ...argv.slice(i + (hasPort ? 2 : 1))], serve }
}
