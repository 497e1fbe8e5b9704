// Going away: the schemas that were here live in schedules.ts, audit.ts and usage.ts. This re-export stays only until
// the last files importing it (edited alongside other work in progress) are committed.
export * from './audit';
export * from './schedules';
export * from './usage';
