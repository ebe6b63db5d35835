/**
 * hex.ts — integer ↔ lowercase hex text without Number.prototype.toString(16),
 * which DeviceScript's VM does not have (its Number prototype is empty).
 *
 * Used by the event protocol and by error messages, so that a pointer prints as
 * the same text on a board, in the WASM VM and in Node.
 *
 * Invariant: hex(n) for an integer 0 ≤ n < 2^53 is the shortest lowercase hex
 * text of n ("0" for 0); parseHex(hex(n)) === n.
 * Cost: one loop iteration per hex digit (≤ 8 for a 32-bit pointer), no calls.
 */

const DIGITS = "0123456789abcdef"

/** Lowercase hex of a non-negative integer, no prefix. `hex(0x20000010) === "20000010"`. */
export function hex(n: number): string {
    if (n < 0 || n !== Math.floor(n)) return "?" + n
    if (n === 0) return "0"
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

/** "0x" + hex(n): how pointers appear in error messages. */
export function ptrText(n: number): string {
    return "0x" + hex(n)
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
