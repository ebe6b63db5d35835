export const LAB_CASES = []
