import type { Row } from './pattern.js';

export const rows: readonly Row[] = [];
