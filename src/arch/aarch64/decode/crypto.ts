/**
 * Cryptographic Extension encodings (Arm ARM DDI 0487K.a C4.1.95 "Data Processing -- Scalar
 * Floating-Point and Advanced SIMD": "Cryptographic AES", "Cryptographic three-register SHA",
 * "Cryptographic two-register SHA"). Executors in exec/crypto.ts. PMULL lives with the AdvSIMD
 * three-different group (decode/simd.ts).
 *
 *   AES:          0100 1110 size=00 10100 opcode:5 10 Rn Rd   (opcode 00100..00111)
 *   SHA 3-reg:    0101 1110 size=00 0 Rm 0 opcode:3 00 Rn Rd   (opcode 000..110)
 *   SHA 2-reg:    0101 1110 size=00 10100 opcode:5 10 Rn Rd   (opcode 00000..00010)
 * Every other size/opcode value in these groups is unallocated.
 */
import type { Row } from './pattern.js';
import { aese, aesd, aesmc, aesimc, sha1Hash, sha1h, sha1su0, sha1su1, sha256Hash, sha256su0, sha256su1 } from '../exec/crypto.js';

const AES = (opcode: string): string => `01001110 size=00 10100 opcode=${opcode} 10 rn:5 rd:5`;
const SHA3 = (opcode: string): string => `01011110 size=00 0 rm:5 0 opcode=${opcode} 00 rn:5 rd:5`;
const SHA2 = (opcode: string): string => `01011110 size=00 10100 opcode=${opcode} 10 rn:5 rd:5`;

export const rows: readonly Row[] = [
  { name: 'AESE', pattern: AES('00100'), exec: aese, feature: 'aes' },
  { name: 'AESD', pattern: AES('00101'), exec: aesd, feature: 'aes' },
  { name: 'AESMC', pattern: AES('00110'), exec: aesmc, feature: 'aes' },
  { name: 'AESIMC', pattern: AES('00111'), exec: aesimc, feature: 'aes' },
  { name: 'SHA1C', pattern: SHA3('000'), exec: sha1Hash, feature: 'sha1' },
  { name: 'SHA1P', pattern: SHA3('001'), exec: sha1Hash, feature: 'sha1' },
  { name: 'SHA1M', pattern: SHA3('010'), exec: sha1Hash, feature: 'sha1' },
  { name: 'SHA1SU0', pattern: SHA3('011'), exec: sha1su0, feature: 'sha1' },
  { name: 'SHA256H', pattern: SHA3('100'), exec: sha256Hash, feature: 'sha256' },
  { name: 'SHA256H2', pattern: SHA3('101'), exec: sha256Hash, feature: 'sha256' },
  { name: 'SHA256SU1', pattern: SHA3('110'), exec: sha256su1, feature: 'sha256' },
  { name: 'SHA1H', pattern: SHA2('00000'), exec: sha1h, feature: 'sha1' },
  { name: 'SHA1SU1', pattern: SHA2('00001'), exec: sha1su1, feature: 'sha1' },
  { name: 'SHA256SU0', pattern: SHA2('00010'), exec: sha256su0, feature: 'sha256' },
];
