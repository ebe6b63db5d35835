/**
 * cli/args.ts — the option parser every `bareheap` verb uses, so each error
 * is the project's own sentence (node:util parseArgs answers `--stats-every -1`
 * with "argument is ambiguous", and a value typed with a forgotten `--`
 * under npm with nothing at all).
 *
 *   argv:  [--name value | --name=value | --flag | -h | positional]* [-- positional*]
 *
 * Rules
 *   - a string option takes the next argument as its value unless that one
 *     starts with "--" (then the value is missing): "-1" and "-" are values;
 *   - a boolean option takes no value ("--track=yes" is an error);
 *   - "-h" is "--help"; every verb has --help;
 *   - at most `positionals` arguments that are not options;
 *   - under `npm run`/`npm start`, an option npm swallowed because the `--`
 *     before the script's options was forgotten shows up as npm_config_<name>
 *     in the environment (npm prints its own warning and passes the value on
 *     as a positional): that is a usage error with a hint about `--`.
 * Values and names from the command line are quoted with JSON escapes when
 * printed (cli/escape.ts). Cost O(argv × options).
 */
import { quote } from "./escape"

export interface OptionSpec {
    type: "string" | "boolean"
    /** A string option's default; booleans default to false. */
    default?: string
}

export type OptionSpecs = Record<string, OptionSpec>

/** The parsed command line: values by option name (declared names only). */
export class Parsed {
    readonly strings: Record<string, string | undefined> = {}
    readonly flags: Record<string, boolean> = {}
    readonly positionals: string[] = []

    /** A string option's value (its default when not given). */
    string(name: string): string | undefined {
        if (!(name in this.strings)) throw new Error(`bareheap: option --${name} is not declared as a string`)
        return this.strings[name]
    }

    /** A boolean option: true when given. */
    flag(name: string): boolean {
        if (!(name in this.flags)) throw new Error(`bareheap: option --${name} is not declared as a flag`)
        return this.flags[name]
    }
}

/** A mistake on the command line: the verb prints it with its help and exits 2. */
export class UsageError extends Error {}

/** The npm config names an option would take if npm swallowed it (`--stats-every` → npm_config_stats_every). */
function npmSwallowed(name: string, env: NodeJS.ProcessEnv): string | undefined {
    if (env["npm_lifecycle_event"] === undefined) return undefined
    return env["npm_config_" + name.replace(/-/g, "_")]
}

/** Parses `argv` against `specs` (help is always known); throws UsageError with a specific message. */
export function parseOptions(argv: string[], specs: OptionSpecs, positionals = 0, env: NodeJS.ProcessEnv = process.env): Parsed {
    const all: OptionSpecs = { ...specs, help: { type: "boolean" } }
    const out = new Parsed()
    for (const [name, s] of Object.entries(all)) {
        if (s.type === "boolean") out.flags[name] = false
        else out.strings[name] = s.default
    }
    let onlyPositionals = false
    for (let i = 0; i < argv.length; i++) {
        const arg = argv[i]
        if (onlyPositionals || !arg.startsWith("-") || arg === "-" || /^-\d/.test(arg)) {
            out.positionals.push(arg)
            continue
        }
        if (arg === "--") {
            onlyPositionals = true
            continue
        }
        if (arg === "-h") {
            out.flags["help"] = true
            continue
        }
        const eq = arg.indexOf("=")
        const name = arg.startsWith("--") ? arg.slice(2, eq < 0 ? undefined : eq) : ""
        const spec = Object.prototype.hasOwnProperty.call(all, name) ? all[name] : undefined
        if (!spec) {
            const near = Object.keys(all).filter(k => name.length > 0 && (k.startsWith(name) || name.startsWith(k)))
            throw new UsageError(`unknown option ${quote(arg)}${near.length > 0 ? `; did you mean ${near.map(k => "--" + k).join(" or ")}?` : ""}`)
        }
        if (spec.type === "boolean") {
            if (eq >= 0) throw new UsageError(`option --${name} takes no value, got ${quote(arg.slice(eq + 1))}`)
            out.flags[name] = true
            continue
        }
        let value: string
        if (eq >= 0) value = arg.slice(eq + 1)
        else if (i + 1 < argv.length && !argv[i + 1].startsWith("--")) value = argv[++i]
        else throw new UsageError(`option --${name} needs a value`)
        out.strings[name] = value
    }
    if (out.flag("help")) return out
    const swallowed = Object.keys(specs).filter(n => npmSwallowed(n, env) !== undefined)
    if (swallowed.length > 0) {
        const shown = swallowed.map(n => `--${n}`).join(", ")
        throw new UsageError(
            `npm took ${shown} for itself (the \`--\` before the options is missing), so ${swallowed.length === 1 ? "it" : "they"} never reached bareheap.\n` +
                `  Put \`--\` between the script and its options: npm ${env["npm_lifecycle_event"] === "start" ? "start" : "run " + env["npm_lifecycle_event"]} -- ${swallowed.map(n => `--${n} …`).join(" ")}`,
        )
    }
    if (out.positionals.length > positionals)
        throw new UsageError(
            positionals === 0
                ? `unexpected argument ${quote(out.positionals[0])} (this command takes options only)`
                : `too many arguments: ${out.positionals.map(quote).join(" ")} (at most ${positionals})`,
        )
    return out
}

/**
 * Runs a verb's body, turning a UsageError into "error: …" and the verb's
 * help on stderr with exit code 2.
 */
export async function withUsage(help: string, body: () => Promise<number>): Promise<number> {
    try {
        return await body()
    } catch (e) {
        if (e instanceof UsageError) {
            process.stderr.write(`error: ${e.message}\n\n${help}\n`)
            return 2
        }
        throw e
    }
}
