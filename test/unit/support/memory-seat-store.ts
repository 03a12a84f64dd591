/** SeatReadingStore in memory, with the DynamoDB adapter's contract (take only from a fresh reading with a seat left). */
import type { SeatReading, SeatReadingStore, SeatTake } from "../../../shared/lifecycle/seat-readings";

export class InMemorySeatReadingStore implements SeatReadingStore {
  readonly readings = new Map<string, SeatReading>();

  async take(officeId: string, line: string, freshAfter: number): Promise<SeatTake> {
    const reading = this.readings.get(officeId);
    const left = reading?.counts[line] ?? 0;
    if (!reading || reading.readAt < freshAfter || left <= 0) return { taken: false };
    reading.counts[line] = left - 1;
    return { taken: true, left: left - 1 };
  }

  async read(officeId: string): Promise<SeatReading | undefined> {
    const reading = this.readings.get(officeId);
    return reading && { counts: { ...reading.counts }, readAt: reading.readAt };
  }

  async save(officeId: string, reading: SeatReading): Promise<void> {
    const stored = this.readings.get(officeId);
    if (!stored || stored.readAt < reading.readAt)
      this.readings.set(officeId, { counts: { ...reading.counts }, readAt: reading.readAt });
  }

  async forget(officeId: string): Promise<void> {
    this.readings.delete(officeId);
  }
}
