/**
 * hex.ts — integer ↔ lowercase hex text without Number.prototype.toString(16),
 * which DeviceScript's VM does not have (its Number prototype is empty).
 *
 * Used by the event protocol and by error messages, so that a pointer prints as
 * the same text on a board, in the WASM VM and in Node.
 *
 * Invariant: hex(n) for an integer 0 ≤ n < 2^53 is the shortest lowercase hex
 * text of n ("0" for 0); parseHex(hex(n)) === n.
 * Totality (issue 9): every formatter here returns, in O(1), a text of at most
 * TEXT_MAX characters for ANY number — NaN, ±Infinity, −0, negative,
 * fractional, ≥ 2^53 — because error messages format whatever pointer a caller
 * passed (an Infinity once looped here until the VM ran out of memory).
 * Cost: for a 32-bit value, a few bit operations per digit and one native call.
 */

/**
 * Upper bound on the length of hex() and ptrText() for any number: 14 hex
 * digits of a safe integer, plus "-", "0x", "+" and the runtime's own decimal
 * text of a fraction (≤ 24 characters in V8, fewer in the VM).
 */
export const TEXT_MAX = 48
/** 2^53: above it a double has no fractional part and hex digits stop being exact. */
const SAFE = 0x20000000000000

const DIGITS = "0123456789abcdef"

/**
 * Lowercase hex of a non-negative integer, no prefix.
 *
 * For 0 ≤ n < 2^32 (every pointer and size) `n & 15` and `n >>> k` are exact
 * in the VM as in Node — only `%` is computed on int32 there — so the digits
 * come from bit operations and one native String.fromCharCode call (≤ 8
 * arguments): O(digits) operations and no per-digit call or concatenation,
 * unlike a digit-per-iteration loop. Larger values (a sequence
 * number past 2^32) take the division loop of hexWide().
 *
 * ```ts
 * hex(0x20020010) === "20020010"; hex(0) === "0"; hex(0xffffffff) === "ffffffff"
 * ```
 */
export function hex(n: number): string {
    // (n >>> 0) === n exactly when n is an integer in [0, 2^32).
    if (n >>> 0 !== n) return hexWide(n)
    let d = n & 15
    const c0 = d < 10 ? d + 48 : d + 87
    if (n < 0x10) return String.fromCharCode(c0)
    d = (n >>> 4) & 15
    const c1 = d < 10 ? d + 48 : d + 87
    if (n < 0x100) return String.fromCharCode(c1, c0)
    d = (n >>> 8) & 15
    const c2 = d < 10 ? d + 48 : d + 87
    if (n < 0x1000) return String.fromCharCode(c2, c1, c0)
    d = (n >>> 12) & 15
    const c3 = d < 10 ? d + 48 : d + 87
    if (n < 0x10000) return String.fromCharCode(c3, c2, c1, c0)
    d = (n >>> 16) & 15
    const c4 = d < 10 ? d + 48 : d + 87
    if (n < 0x100000) return String.fromCharCode(c4, c3, c2, c1, c0)
    d = (n >>> 20) & 15
    const c5 = d < 10 ? d + 48 : d + 87
    if (n < 0x1000000) return String.fromCharCode(c5, c4, c3, c2, c1, c0)
    d = (n >>> 24) & 15
    const c6 = d < 10 ? d + 48 : d + 87
    if (n < 0x10000000) return String.fromCharCode(c6, c5, c4, c3, c2, c1, c0)
    d = n >>> 28
    const c7 = d < 10 ? d + 48 : d + 87
    return String.fromCharCode(c7, c6, c5, c4, c3, c2, c1, c0)
}

/**
 * hex() of values that are not 32-bit unsigned integers: the digits of an
 * integer 2^32 ≤ n < 2^53 (at most 14 loop turns), else "?" and the runtime's
 * decimal text of n ("?NaN", "?Infinity", "?-1", "?1.5", "?1e+300"): bounded,
 * and the loop below never sees a value it could not finish.
 */
function hexWide(n: number): string {
    // A forged non-number (a string's text is unbounded) is named by its type.
    if (typeof n !== "number") return "?(" + typeof n + ")"
    if (!(n >= 0 && n < SAFE) || n !== Math.floor(n)) return "?" + n
    let s = ""
    while (n > 0) {
        // n may exceed 2^31. The VM computes % (like bit operations) on int32,
        // so 0xdeadbeef % 16 is -1 there: split with floor division instead.
        const q = Math.floor(n / 16)
        s = DIGITS[n - q * 16] + s
        n = q
    }
    return s
}

/**
 * How pointers appear in error messages: "0x" + hex(n) for an address (an
 * integer 0 ≤ n < 2^53; −0 is 0, the null pointer). Any other number is named
 * as itself, never looping and at most TEXT_MAX characters:
 *
 * ```ts
 * ptrText(0x20020010) === "0x20020010"
 * ptrText(0x20020010 + 0.5) === "0x20020010+0.5"   // whole part in hex, fraction in decimal
 * ptrText(-16) === "-0x10"
 * ptrText(NaN) === "NaN"; ptrText(-Infinity) === "-Infinity"; ptrText(2 ** 60) === "1152921504606847000"
 * ```
 */
export function ptrText(n: number): string {
    if (typeof n !== "number") return "(" + typeof n + ")"
    if (n >= 0 && n < SAFE) {
        const w = Math.floor(n)
        return w === n ? "0x" + hex(n) : "0x" + hex(w) + "+" + (n - w)
    }
    if (n < 0 && n > -SAFE) return "-" + ptrText(-n)
    // NaN, ±Infinity and |n| ≥ 2^53: the runtime's decimal text, which is bounded.
    return "" + n
}

/**
 * Parses lowercase or uppercase hex digits (no prefix). Returns -1 when the
 * text is empty, longer than 13 digits or holds a non-hex character, so a
 * caller can name the bad field in its own error.
 */
export function parseHex(s: string): number {
    if (s.length === 0 || s.length > 13) return -1
    let n = 0
    for (let i = 0; i < s.length; i++) {
        const c = s.charCodeAt(i)
        let d = -1
        if (c >= 48 && c <= 57) d = c - 48
        else if (c >= 97 && c <= 102) d = c - 87
        else if (c >= 65 && c <= 70) d = c - 55
        if (d < 0) return -1
        n = n * 16 + d
    }
    return n
}
