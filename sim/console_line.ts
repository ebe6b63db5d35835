/**
 * sim/console_line.ts — what a console transport adds around one text line,
 * and how to take it off (docs/protocol.md §2).
 *
 *   raw line  = [ANSI sequences…] ["WASM> "] [level char + " "] text [CR]
 *   level     = ">" console.log | "!" error | "*" warn | "?" debug | "#" console.data
 *               (DeviceScript's dmesg prefixes, shared/devicescript.md §5)
 *
 * ANSI sequences are removed wherever they stand: CSI (`ESC [ … final`, and
 * the one-character C1 CSI U+009B), OSC (`ESC ] … BEL` or `… ESC \`, and C1
 * OSC U+009D), and other two-character `ESC x` escapes. `devs run` colours its
 * lines; a board's firmware may colour its own text. Whatever control
 * characters remain are the line's own content: they are kept here (the
 * decoder rejects them in a protocol line) and escaped wherever shown
 * (sim/escape.ts).
 *
 * Cost: one regex pass over the line, O(length).
 */

/** The DeviceScript log level of a console line (its dmesg prefix), or "" for none. */
export type ConsoleLevel = ">" | "!" | "*" | "?" | "#" | ""

export interface ConsoleLine {
    /** The line without transport decoration. */
    text: string
    /** Which dmesg prefix it had ("" when none). */
    level: ConsoleLevel
}

// CSI (7-bit and C1), OSC up to BEL / ST / end of line (7-bit and C1), or any other ESC + one character.
// eslint-disable-next-line no-control-regex
const ANSI = /(?:\x1b\[|\u009b)[0-?]*[ -/]*[@-~]?|(?:\x1b\]|\u009d)[^\x07\x1b\u009c]*(?:\x07|\x1b\\|\u009c)?|\x1b[ -~]?/g

const LEVELS = ">!*?#"

/**
 * Takes the transport off one console line.
 *
 * ```ts
 * stripConsoleLine("\x1b[36mWASM> \x1b[0m~A 2 40 c 4") // { text: "~A 2 40 c 4", level: "" }
 * stripConsoleLine("> ~P 1 boxes\r")                   // { text: "~P 1 boxes", level: ">" }
 * stripConsoleLine("! panic 60004")                    // { text: "panic 60004", level: "!" }
 * ```
 */
export function stripConsoleLine(line: string): ConsoleLine {
    let s = line.indexOf("\x1b") >= 0 || line.indexOf("\u009b") >= 0 || line.indexOf("\u009d") >= 0 ? line.replace(ANSI, "") : line
    if (s.endsWith("\n")) s = s.slice(0, -1)
    if (s.endsWith("\r")) s = s.slice(0, -1)
    if (s.startsWith("WASM> ")) s = s.slice(6)
    let level: ConsoleLevel = ""
    if (s.length >= 2 && s[1] === " " && LEVELS.includes(s[0])) {
        level = s[0] as ConsoleLevel
        s = s.slice(2)
    }
    return { text: s, level }
}
