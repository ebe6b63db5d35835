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
 * showText is sim/escape.ts's escapeText (one implementation for every
 * message and view); quote is for command-line names and values.
 */
import { escapeText } from "../sim/escape"

/** `s` with every unsafe character escaped (sim/escape.ts escapeText, the one implementation), tabs kept. */
export function showText(s: string): string {
    return escapeText(s, Infinity, true)
}

/** `s` in double quotes with JSON escapes (for names and values in error messages). */
export function quote(s: string): string {
    return JSON.stringify(s).replace(/[\x7f-\x9f]/g, c => "\\u" + c.charCodeAt(0).toString(16).padStart(4, "0"))
}
