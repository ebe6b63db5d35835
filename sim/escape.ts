/**
 * sim/escape.ts — makes text that came from a stream or a file safe to print
 * on a terminal (issue 9 defect 4: terminal injection).
 *
 * A byte stream from a board, a log file or a trace may hold anything: `ESC c`
 * (resets the terminal), OSC 0 (sets the window title), OSC 52 (writes the
 * clipboard on terminals that allow it), C1 controls (U+0080–U+009F: U+009B is
 * a one-character CSI on some terminals), bidi overrides that reorder what is
 * shown (the "Trojan Source" characters). Every place that shows such text —
 * ProtocolError messages, the viewer, the live view, console lines passed
 * through — goes through `escapeText`, which shows each of them as an escape:
 *
 *     C0 controls and DEL          \x00 … \x1f, \x7f   (\n \r \t \b \f \v \0 by name)
 *     backslash                    \\                  (so the escaping is unambiguous)
 *     C1 controls                  \u0080 … \u009f
 *     lone surrogates              \ud800 …            (half of a pair, not a character)
 *     line/paragraph separators,   \u2028 \u2029 \u200e \u200f \u202a–\u202e
 *     bidi marks and overrides,    \u2066–\u2069 \ufeff
 *     byte-order mark
 *
 * Everything else (printable ASCII, any printable Unicode) stays as it is;
 * with `keepTabs`, so does TAB (a program's own output, cli/escape.ts showText).
 *
 * Bound: with `maxChars` only the first `maxChars` UTF-16 units are read (a
 * 1 MB line costs what 120 characters cost), and the result ends with
 * `…(+N more of L chars)`; the output is at most 6·maxChars + 40 characters.
 * Invariant: the result contains no character below U+0020, no DEL, no C1
 * control and no lone surrogate, whatever the input.
 */

/** How many characters of a bad line a ProtocolError or CLI message quotes. */
export const QUOTE_CHARS = 120

const NAMED: Record<number, string> = { 0: "\\0", 8: "\\b", 9: "\\t", 10: "\\n", 11: "\\v", 12: "\\f", 13: "\\r", 92: "\\\\" }

function hex2(n: number): string {
    return (n < 16 ? "0" : "") + n.toString(16)
}

/** True for a code unit that must be shown escaped (given its neighbours for surrogates). */
function needsEscape(c: number): boolean {
    if (c < 0x20 || c === 0x7f || c === 0x5c) return true
    if (c >= 0x80 && c <= 0x9f) return true
    if (c === 0x2028 || c === 0x2029 || c === 0x200e || c === 0x200f || c === 0xfeff) return true
    if (c >= 0x202a && c <= 0x202e) return true
    return c >= 0x2066 && c <= 0x2069
}

/**
 * `s` with every control and invisible reordering character shown as an
 * escape; at most `maxChars` characters of `s` are read (default: all).
 *
 * ```ts
 * escapeText("\x1bc~A 1 0 4 4")        === "\\x1bc~A 1 0 4 4"
 * escapeText("\u009b31m")              === "\\u009b31m"
 * escapeText("x".repeat(1000), 5)      === "xxxxx…(+995 more of 1000 chars)"
 * ```
 */
export function escapeText(s: string, maxChars = Infinity, keepTabs = false): string {
    const n = s.length
    let end = n <= maxChars ? n : Math.max(0, Math.floor(maxChars))
    // Do not cut a surrogate pair in half: that would make a lone surrogate of a real character.
    if (end < n && end > 0) {
        const c = s.charCodeAt(end - 1)
        if (c >= 0xd800 && c <= 0xdbff) end--
    }
    let out = ""
    let run = 0 // start of the current run of characters that need no escape
    for (let i = 0; i < end; i++) {
        const c = s.charCodeAt(i)
        let esc: string | null = null
        if (c >= 0xd800 && c <= 0xdfff) {
            const next = i + 1 < n ? s.charCodeAt(i + 1) : 0
            if (c <= 0xdbff && next >= 0xdc00 && next <= 0xdfff && i + 1 < end) {
                i++ // a valid pair: one printable character
                continue
            }
            esc = "\\u" + c.toString(16)
        } else if (needsEscape(c) && !(keepTabs && c === 9)) {
            esc = NAMED[c] ?? (c < 0x80 ? "\\x" + hex2(c) : "\\u" + c.toString(16).padStart(4, "0"))
        }
        if (esc !== null) {
            out += s.slice(run, i) + esc
            run = i + 1
        }
    }
    out += s.slice(run, end)
    if (end < n) out += `…(+${n - end} more of ${n} chars)`
    return out
}

/** `escapeText(s, QUOTE_CHARS)` in double quotes: how a message quotes a piece of a stream. */
export function quote(s: string, maxChars = QUOTE_CHARS): string {
    return `"${escapeText(s, maxChars)}"`
}
