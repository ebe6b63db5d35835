/**
 * cli/args.ts (the verbs' option parser) and cli/escape.ts, in-process.
 */
import { describe, expect, test } from "vitest"
import { parseOptions, UsageError } from "../../cli/args"
import { quote, showText } from "../../cli/escape"

const SPECS = { board: { type: "string" as const, default: "pico" }, "stats-every": { type: "string" as const }, track: { type: "boolean" as const } }
const NO_NPM = {}

describe("parseOptions", () => {
    test("values, defaults, --name=value, a negative number as a value, -- before positionals", () => {
        const p = parseOptions(["--stats-every", "-1", "--track", "--", "--board"], SPECS, 1, NO_NPM)
        expect(p.string("stats-every")).toBe("-1")
        expect(p.string("board")).toBe("pico")
        expect(p.flag("track")).toBe(true)
        expect(p.positionals).toEqual(["--board"])
        expect(parseOptions(["--board=esp32"], SPECS, 0, NO_NPM).string("board")).toBe("esp32")
        expect(parseOptions(["-h"], SPECS, 0, NO_NPM).flag("help")).toBe(true)
    })

    test.each([
        [["--bord", "x"], 'unknown option "--bord"'],
        [["--boar", "x"], 'unknown option "--boar"; did you mean --board?'],
        [["--board"], "option --board needs a value"],
        [["--board", "--track"], "option --board needs a value"],
        [["--track=1"], 'option --track takes no value, got "1"'],
        [["x"], 'unexpected argument "x" (this command takes options only)'],
        [["--bo\u001bard"], 'unknown option "--bo\\u001bard"'],
    ])("%j → %s", (argv, message) => {
        expect(() => parseOptions(argv, SPECS, 0, NO_NPM)).toThrow(new UsageError(message))
    })

    test("an option npm swallowed (npm_config_<name> under npm run) is an error with a hint about --", () => {
        const env = { npm_lifecycle_event: "start", npm_config_board: "true" }
        expect(() => parseOptions(["esp32s2"], SPECS, 0, env)).toThrow(/npm took --board for itself .*\n.*npm start -- --board/)
        const run = { npm_lifecycle_event: "vm", npm_config_stats_every: "4" }
        expect(() => parseOptions([], SPECS, 0, run)).toThrow(/npm run vm -- --stats-every/)
        // Outside npm the variables mean nothing.
        expect(parseOptions([], SPECS, 0, { npm_config_board: "true" }).string("board")).toBe("pico")
    })
})

describe("escaping", () => {
    test("control characters, lone surrogates and backslashes become visible; printable text and tabs stay", () => {
        expect(showText("ok\tfine é ✓ 😀")).toBe("ok\tfine é ✓ 😀")
        expect(showText("a\u0000b\u001b[2J\u007f\u0085")).toBe("a\\0b\\x1b[2J\\x7f\\u0085")
        expect(showText("x\ud800y")).toBe("x\\ud800y")
        expect(showText("C:\\tmp\n")).toBe("C:\\\\tmp\\n")
        expect(quote("a\u0085\"b")).toBe('"a\\u0085\\"b"')
    })
})
