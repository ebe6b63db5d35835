/**
 * cli/escape.ts — text from a program, a stream or a file, made safe to show
 * on a terminal: control characters (C0, DEL, C1), lone surrogates and the
 * backslash become visible escapes, so a stray ESC cannot repaint the screen
 * and a NUL cannot hide the rest of a line.
 *
 *   showText("bell\u0007 esc\u001b[2J")  prints  bell\x07 esc\x1b[2J   (the escapes as text)
 *   showText("C:\\tmp")                   prints  C:\\tmp            (so "\x07" typed by the program stays distinguishable)
 *   quote("--bo\tard")                   prints  "--bo\tard"         (JSON string syntax, for names and values)
 *
 * Printable text, tabs included, passes through unchanged. O(length).
 */

const UNSAFE = /[\x00-\x08\x0a-\x1f\x7f-\x9f\\]|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g

/** `s` with every unsafe character written as \xNN, \uNNNN or \\. */
export function showText(s: string): string {
    return s.replace(UNSAFE, c => {
        if (c === "\\") return "\\\\"
        const n = c.charCodeAt(0)
        return n <= 0xff ? "\\x" + n.toString(16).padStart(2, "0") : "\\u" + n.toString(16).padStart(4, "0")
    })
}

/** `s` in double quotes with JSON escapes (for names and values in error messages). */
export function quote(s: string): string {
    return JSON.stringify(s).replace(/[\x7f-\x9f]/g, c => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))
}
