package dev.resilientmail.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;

import javax.sql.DataSource;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.TokensInheritanceStrategy;
import io.github.bucket4j.distributed.BucketProxy;
import io.github.bucket4j.distributed.jdbc.PrimaryKeyMapper;
import io.github.bucket4j.distributed.proxy.ProxyManager;
import io.github.bucket4j.postgresql.Bucket4jPostgreSQL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import dev.resilientmail.delivery.DeliveryPolicy;
import dev.resilientmail.delivery.RatePermitSource;

/**
 * Permits from one Bucket4j bucket per destination in the database, shared by every
 * instance, with the limit adapted in the database too: when one instance is told to slow
 * down, the row of the destination lowers the limit (at most once per period, whoever
 * asks) and the bucket's configuration is replaced, so every instance slows down; the
 * successes of all instances raise it back. The rule is the one of the in-memory limiter
 * (see {@code AdaptiveRateLimiter} in core): drop to what was accepted in the last
 * period, between half and 80 % of the limit; climb by a tenth of the configured limit
 * after a period's worth of successes.
 * <p>
 * The instances take turns: one that finds no permit free takes its place in line in the
 * bucket, so with n instances waiting each gets about one permit in every n, however much
 * faster or busier the others are.
 * <p>
 * When the database cannot be reached, permits come from a local bucket at the last limit
 * seen, and the shared bucket is tried again every reconnect interval.
 */
final class SharedRateLimits implements RatePermitSource {

	private static final Logger log = LoggerFactory.getLogger(SharedRateLimits.class);

	private final DataSource dataSource;

	private final ProxyManager<String> buckets;

	private final Clock clock;

	private final Duration reconnectInterval;

	private final String url;

	SharedRateLimits(DataSource dataSource, String url, Clock clock, Duration reconnectInterval) {
		this.dataSource = dataSource;
		this.url = url;
		this.clock = clock;
		this.reconnectInterval = reconnectInterval;
		this.buckets = Bucket4jPostgreSQL.selectForUpdateBasedBuilder(dataSource)
			.primaryKeyMapper(PrimaryKeyMapper.STRING)
			.table("resilient_mail_bucket")
			.build();
	}

	@Override
	public Destination destination(String destination, DeliveryPolicy.RateLimit limit) {
		return new SharedDestination(destination, limit);
	}

	static BucketConfiguration configuration(int limit, Duration period) {
		return BucketConfiguration.builder()
			.addLimit((bandwidth) -> bandwidth.capacity(limit).refillGreedy(limit, period))
			.build();
	}

	/** The permits of one destination. */
	final class SharedDestination implements Destination {

		private final String destination;

		private final int configuredLimit;

		private final Duration period;

		private final boolean adaptive;

		private final BucketProxy bucket;

		private volatile int knownLimit;

		/** Guards the reservation; never held by anything else. */
		private final Object turn = new Object();

		private boolean reserved;

		/** When the reserved permit is this instance's ({@link System#nanoTime()}). */
		private long reservedAtNanos;

		private int pendingSuccesses;

		private long lastFlushMillis;

		private Bucket local;

		private long lostAtMillis = -1;

		SharedDestination(String destination, DeliveryPolicy.RateLimit limit) {
			this.destination = destination;
			this.configuredLimit = limit.limitForPeriod();
			this.period = limit.limitRefreshPeriod();
			this.adaptive = limit.adaptive();
			this.knownLimit = this.configuredLimit;
			this.bucket = SharedRateLimits.this.buckets.builder()
				.build(destination, () -> configuration(this.configuredLimit, this.period));
			this.lastFlushMillis = SharedRateLimits.this.clock.millis();
		}

		/**
		 * Takes the next permit of the shared bucket, or this instance's place in line
		 * for it: a permit that is not free now is reserved (the bucket goes below zero)
		 * and becomes this instance's when the bucket has refilled it, so an instance
		 * that asks later, or more often, cannot take it. Polling for free permits
		 * instead hands each refill to whichever instance asks first after it, and an
		 * instance a few milliseconds slower to ask (a busier machine, a slower
		 * connection) then loses nearly every one. One reservation at a time: a lowered
		 * limit applies after it.
		 */
		@Override
		public boolean tryAcquire() {
			synchronized (this.turn) {
				if (shared()) {
					try {
						if (!this.reserved) {
							long nanosUntilOurs = this.bucket.consumeIgnoringRateLimits(1);
							found();
							if (nanosUntilOurs == 0) {
								return true;
							}
							this.reserved = true;
							this.reservedAtNanos = System.nanoTime() + nanosUntilOurs;
						}
						if (System.nanoTime() - this.reservedAtNanos < 0) {
							return false;
						}
						this.reserved = false;
						return true;
					}
					catch (RuntimeException ex) {
						this.reserved = false;
						lost(ex);
					}
				}
				return localBucket().tryConsume(1);
			}
		}

		@Override
		public long nanosToNextPermit() {
			if (isLost()) {
				return localBucket().estimateAbilityToConsume(1).getNanosToWaitForRefill();
			}
			synchronized (this.turn) {
				// not reserved yet: the next tryAcquire takes a permit or a place in line
				return this.reserved ? Math.max(0, this.reservedAtNanos - System.nanoTime()) : 0;
			}
		}

		@Override
		public void slowDown() {
			adapt(true);
		}

		@Override
		public void succeeded() {
			if (!this.adaptive) {
				return;
			}
			boolean flush;
			synchronized (this) {
				this.pendingSuccesses++;
				// one write per tenth of a period, not one per message
				flush = SharedRateLimits.this.clock.millis() - this.lastFlushMillis >= this.period.toMillis() / 10;
			}
			if (flush) {
				adapt(false);
			}
		}

		@Override
		public int currentLimit() {
			return this.knownLimit;
		}

		private void adapt(boolean decrease) {
			if (!this.adaptive || isLost()) {
				return;
			}
			int successes;
			synchronized (this) {
				successes = this.pendingSuccesses;
				this.pendingSuccesses = 0;
				this.lastFlushMillis = SharedRateLimits.this.clock.millis();
			}
			try {
				int before = this.knownLimit;
				int after = updateRow(successes, decrease);
				this.knownLimit = after;
				if (after != before || decrease) {
					this.bucket.replaceConfiguration(configuration(after, this.period),
							TokensInheritanceStrategy.AS_IS);
				}
				if (after != before) {
					log.info("shared rate limit for {} {} to {} per {}", this.destination,
							(after < before) ? "lowered" : "raised", after, this.period);
				}
			}
			catch (SQLException | RuntimeException ex) {
				lost(ex);
			}
		}

		/**
		 * Applies successes and maybe a decrease to the destination's row, under its
		 * lock; returns the limit in force after.
		 */
		private int updateRow(int successes, boolean decrease) throws SQLException {
			long now = SharedRateLimits.this.clock.millis();
			long periodMillis = Math.max(1, this.period.toMillis());
			try (Connection connection = SharedRateLimits.this.dataSource.getConnection()) {
				connection.setAutoCommit(false);
				try {
					try (PreparedStatement insert = connection.prepareStatement(
							"INSERT INTO resilient_mail_rate_limit (destination, configured_limit, period_millis,"
									+ " current_limit, last_decrease_millis, period_start_millis, successes_this_period,"
									+ " successes_last_period, successes_at_limit) VALUES (?, ?, ?, ?, -1, ?, 0, -1, 0)"
									+ " ON CONFLICT (destination) DO NOTHING")) {
						insert.setString(1, this.destination);
						insert.setInt(2, this.configuredLimit);
						insert.setLong(3, periodMillis);
						insert.setInt(4, this.configuredLimit);
						insert.setLong(5, now);
						insert.executeUpdate();
					}
					AdaptiveState state;
					try (PreparedStatement select = connection.prepareStatement(
							"SELECT configured_limit, current_limit, last_decrease_millis, period_start_millis,"
									+ " successes_this_period, successes_last_period, successes_at_limit"
									+ " FROM resilient_mail_rate_limit WHERE destination = ? FOR UPDATE")) {
						select.setString(1, this.destination);
						try (ResultSet row = select.executeQuery()) {
							row.next();
							state = new AdaptiveState(row.getInt(1), row.getInt(2), row.getLong(3), row.getLong(4),
									row.getInt(5), row.getInt(6), row.getInt(7));
						}
					}
					AdaptiveState next = state.rollPeriods(now, periodMillis).succeeded(successes);
					if (decrease) {
						next = next.slowDown(now, periodMillis);
					}
					try (PreparedStatement update = connection.prepareStatement(
							"UPDATE resilient_mail_rate_limit SET current_limit = ?, last_decrease_millis = ?,"
									+ " period_start_millis = ?, successes_this_period = ?, successes_last_period = ?,"
									+ " successes_at_limit = ? WHERE destination = ?")) {
						update.setInt(1, next.currentLimit());
						update.setLong(2, next.lastDecreaseMillis());
						update.setLong(3, next.periodStartMillis());
						update.setInt(4, next.successesThisPeriod());
						update.setInt(5, next.successesLastPeriod());
						update.setInt(6, next.successesAtLimit());
						update.setString(7, this.destination);
						update.executeUpdate();
					}
					connection.commit();
					return next.currentLimit();
				}
				catch (SQLException | RuntimeException ex) {
					connection.rollback();
					throw ex;
				}
			}
		}

		private synchronized boolean shared() {
			if (this.lostAtMillis < 0) {
				return true;
			}
			// after the reconnect interval, try the database again; lost() restarts the
			// interval if it is still away, found() ends the local limit
			return SharedRateLimits.this.clock.millis() - this.lostAtMillis >= SharedRateLimits.this.reconnectInterval
				.toMillis();
		}

		private synchronized void found() {
			if (this.lostAtMillis >= 0) {
				this.lostAtMillis = -1;
				this.local = null;
				log.info("shared rate limit for {} at {} is back", this.destination, SharedRateLimits.this.url);
			}
		}

		private synchronized boolean isLost() {
			return this.lostAtMillis >= 0;
		}

		private synchronized void lost(Exception ex) {
			if (this.lostAtMillis < 0) {
				this.local = null;
				log.warn(
						"shared rate limit for {} unavailable ({}): {}; using a local limit of {} per {} until it returns",
						this.destination, SharedRateLimits.this.url, ex.toString(), this.knownLimit, this.period);
			}
			this.lostAtMillis = SharedRateLimits.this.clock.millis();
		}

		private synchronized Bucket localBucket() {
			if (this.local == null) {
				int limit = this.knownLimit;
				this.local = Bucket.builder()
					.addLimit((bandwidth) -> bandwidth.capacity(limit).refillGreedy(limit, this.period))
					.build();
			}
			return this.local;
		}

	}

}
