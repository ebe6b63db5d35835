/**
 * Catalogue rows (tests/robustness/catalogue.ts) for the stream side: the
 * streaming decoder (sim/stream.ts, sim/usb_framing.ts, sim/decoder.ts),
 * `bareheap view` and its live view, and every message that quotes a stream
 * or a trace file (issue 9 defects 4-6, issue 11 §1 and §3).
 */
import type { CatalogueRow } from "../catalogue"

const FRAMING = "tests/sim/usb_framing.test.ts"
const STREAM = "tests/sim/stream.test.ts"
const BOUNDS = "tests/sim/stream_bounds.test.ts"
const VIEW = "tests/sim/view_cli.test.ts"
const LIVE = "tests/sim/live_view.test.ts"
const ESCAPE = "tests/sim/escape.test.ts"

export const ROWS: CatalogueRow[] = [
    {
        input: "ESC c, OSC 0 (window title), OSC 52 (clipboard), C1 controls (U+0080–U+009F), BEL, NUL, DEL, bidi overrides, lone surrogates in a stream line, a field, a trace line or a file name",
        outcome: "shown escaped (`\\x1bc`, `\\u009b`, `\\u202e`) in every message, the plain view and the live view; ANSI/OSC sequences are stripped from console lines first",
        test: VIEW + " › hostile stream content never reaches the terminal raw",
    },
    {
        input: "a hostile stream under `bareheap view --live` in a real terminal",
        outcome: "no byte but the view's own cursor/erase sequences reaches the screen; rows cut to the terminal's width",
        test: LIVE + " › draws the board, the stats and the whole heap map at the terminal's width",
    },
    {
        input: "a 1 MB malformed protocol line, a malformed trace (.rep) line",
        outcome: "the message quotes at most 120 characters of it (a field 40), escaped, with `…(+N more of L chars)`; escaping reads only those characters",
        test: ESCAPE + " › a ProtocolError quotes at most ~120 escaped characters of a 1 MB bad line",
    },
    {
        input: "a line with no end (megabytes without a newline)",
        outcome: "its first 4,096 characters are kept, the line is reported overlong with its real length; a protocol line that long is a ProtocolError",
        test: FRAMING + " › a line of unbounded length keeps maxLine characters and reports its real length",
    },
    {
        input: "Jacdac frames (`FE FC … FE FD`) between, glued before, after or inside a console line, split across reads at any byte",
        outcome: "stripped and counted; the line decodes as if the frame were not there (it used to lose the line or break its field count)",
        test: FRAMING + " › strips frames glued before, after and inside lines",
    },
    {
        input: "a frame whose `FE FD` end is lost, `FE` + an undefined byte, `FE FD` outside a frame, random bytes",
        outcome: "after 1,024 bytes the frame is abandoned and text resumes; bad escapes counted and dropped; nothing throws",
        test: FRAMING + " › a frame whose end is lost does not swallow the console",
    },
    {
        input: "the board's `FE FA` / `FE FB` markers (console output / frames dropped)",
        outcome: "counted apart from sequence gaps and reported where they occur; gaps count exactly the lost lines",
        test: STREAM + " › lost console output: the board's FE FA markers and the sequence gaps are counted apart, each exactly",
    },
    {
        input: "10^6 hostile lines (bad fields, overlaps, double frees, 4 GiB regions, restarts, 10 KB lines, raw bytes) in a 256 MB process",
        outcome: "decoding goes on with bounded memory (≤ 1,000 anomalies, errors, gaps, phases kept; counts go on; ≤ 262,144 live blocks); a clean stream after it decodes exactly",
        test: BOUNDS + " › 10^6 hostile lines and raw bytes",
    },
    {
        input: "20,000 phase lines after 3,000 blocks; 30,000 allocations after one phase; 40,000 small blocks after one large",
        outcome: "linear time and O(live blocks) memory (it was 3 GB, 48 s, 21 s); the last 16 phase maps are kept",
        test: BOUNDS + " › issue 11's shapes",
    },
    {
        input: "a block reaching into the region from 4 GiB below (a wrapped offset with a huge size)",
        outcome: "an outside-region anomaly; the heap map draws it in O(cells)",
        test: STREAM + " › a hostile block reaching into the region from 4 GiB below draws in O(cells)",
    },
    {
        input: "`bareheap view` input with no stream header: empty file, garbage bytes, plain text",
        outcome: "exit 1 with `no bareheap stream found (no ~H header line in N lines)`",
        test: VIEW + " › no stream header: empty input, garbage and plain text exit 1 with a message",
    },
    {
        input: "a stream that stops with live blocks and no final `~S` line",
        outcome: "a warning on stderr that it may be cut off (not after the user stopped it)",
        test: VIEW + " › a stream cut off with live blocks and no final ~S warns",
    },
    {
        input: "a lost line without `--allow-gaps`",
        outcome: "exit 1 with the line and `decode with --allow-gaps (option allowGaps) to go on`",
        test: VIEW + " › a raw USB serial capture (frames, escapes, drop markers) decodes like the clean log",
    },
    {
        input: "a second file argument to `bareheap view`",
        outcome: "usage error, exit 2, naming both arguments",
        test: VIEW + " › a second file argument is a usage error",
    },
    {
        input: "`bareheap view` piped into a slow reader (less, tail) with a long summary",
        outcome: "the whole output arrives (the exit code is set, never process.exit)",
        test: VIEW + " › a long summary survives a slow pipe",
    },
    {
        input: "Ctrl-C (SIGINT) or q while a stream is still arriving (stdin, a FIFO)",
        outcome: "reading stops and the same summary as at the end of input is printed",
        test: VIEW + " › Ctrl-C (SIGINT) while reading stdin ends with the summary of what came",
    },
]
