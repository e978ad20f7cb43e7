package dev.resilientmail.jdbc;

/**
 * The adaptive limit of one destination as the database row holds it, and the
 * additive-increase, multiplicative-decrease rule of core's in-memory limiter applied to
 * it: lowered at most once per period, to what was accepted in the last full period but
 * between half and 80 % of the limit; raised by a tenth of the configured limit after a
 * period's worth of successes, never above the configured limit.
 *
 * @param lastDecreaseMillis when it was last lowered, -1 for never
 * @param successesLastPeriod successes in the last full period, -1 before the first
 */
record AdaptiveState(int configuredLimit, int currentLimit, long lastDecreaseMillis, long periodStartMillis,
		int successesThisPeriod, int successesLastPeriod, int successesAtLimit) {

	/** Rolls the success counts over at period boundaries. */
	AdaptiveState rollPeriods(long now, long periodMillis) {
		long elapsed = now - this.periodStartMillis;
		if (elapsed < periodMillis) {
			return this;
		}
		// a gap of more than one period means nothing was accepted in the last one
		int last = (elapsed < 2 * periodMillis) ? this.successesThisPeriod : 0;
		return new AdaptiveState(this.configuredLimit, this.currentLimit, this.lastDecreaseMillis,
				now - (elapsed % periodMillis), 0, last, this.successesAtLimit);
	}

	AdaptiveState succeeded(int successes) {
		if (successes == 0) {
			return this;
		}
		int limit = this.currentLimit;
		int atLimit = this.successesAtLimit;
		if (limit < this.configuredLimit) {
			atLimit += successes;
			if (atLimit >= limit) {
				limit = Math.min(this.configuredLimit, limit + Math.max(1, this.configuredLimit / 10));
				atLimit = 0;
			}
		}
		return new AdaptiveState(this.configuredLimit, limit, this.lastDecreaseMillis, this.periodStartMillis,
				this.successesThisPeriod + successes, this.successesLastPeriod, atLimit);
	}

	AdaptiveState slowDown(long now, long periodMillis) {
		if (this.lastDecreaseMillis >= 0 && now - this.lastDecreaseMillis < periodMillis) {
			// replies of messages already in flight report the same overload
			return this;
		}
		if (this.currentLimit <= 1) {
			return this;
		}
		int accepted = (this.successesLastPeriod >= 0) ? this.successesLastPeriod : this.currentLimit;
		int lowered = Math.max(this.currentLimit / 2, Math.min(this.currentLimit * 4 / 5, accepted));
		return new AdaptiveState(this.configuredLimit, Math.max(1, lowered), now, this.periodStartMillis,
				this.successesThisPeriod, this.successesLastPeriod, 0);
	}

}
