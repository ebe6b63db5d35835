/**
 * sim/transport/jacdac.ts — jacdac-ts, typed. Its package.json "exports" map
 * has no "types" condition, so TypeScript cannot see the typings it ships
 * (dist/types) through `import "jacdac-ts"`; and a tsconfig `paths` entry
 * would make tsx load the .d.ts at run time. So the types come from the
 * file itself and the code from the package's CommonJS build.
 */
import { createRequire } from "node:module"
import type * as JacdacTypes from "../../node_modules/jacdac-ts/dist/types/src/jacdac"

export type Packet = JacdacTypes.Packet
export const jd: typeof JacdacTypes = createRequire(import.meta.url)("jacdac-ts")
