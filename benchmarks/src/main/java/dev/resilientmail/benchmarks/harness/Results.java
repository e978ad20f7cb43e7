package dev.resilientmail.benchmarks.harness;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** The measured rounds of one contender. */
final class Results {

	/** One measured round. */
	record Round(int round, double messagesPerSecond, long allocatedBytes, long cpuNanos, long processCpuNanos,
			long peakHeap, int connections) {
	}

	private final Contender contender;

	private final int messages;

	private final List<Round> rounds = new ArrayList<>();

	private long[] latencies = new long[0];

	Results(Contender contender, int messages) {
		this.contender = contender;
		this.messages = messages;
	}

	Contender contender() {
		return this.contender;
	}

	void add(Round round, long[] roundLatencies) {
		this.rounds.add(round);
		int from = this.latencies.length;
		this.latencies = Arrays.copyOf(this.latencies, from + roundLatencies.length);
		System.arraycopy(roundLatencies, 0, this.latencies, from, roundLatencies.length);
	}

	List<Round> rounds() {
		return this.rounds;
	}

	double medianRate() {
		return median(this.rounds.stream().mapToDouble(Round::messagesPerSecond).toArray());
	}

	double minRate() {
		return this.rounds.stream().mapToDouble(Round::messagesPerSecond).min().orElse(Double.NaN);
	}

	double maxRate() {
		return this.rounds.stream().mapToDouble(Round::messagesPerSecond).max().orElse(Double.NaN);
	}

	/** The latency percentile over every message of every measured round, in µs. */
	double latencyMicros(double percentile) {
		long[] sorted = this.latencies.clone();
		Arrays.sort(sorted);
		if (sorted.length == 0) {
			return Double.NaN;
		}
		int index = (int) Math.ceil(percentile / 100.0 * sorted.length) - 1;
		return sorted[Math.max(0, Math.min(sorted.length - 1, index))] / 1_000.0;
	}

	double allocatedPerMessage() {
		return median(this.rounds.stream().mapToDouble((r) -> (double) r.allocatedBytes() / this.messages).toArray());
	}

	double cpuMicrosPerMessage() {
		return median(this.rounds.stream().mapToDouble((r) -> r.cpuNanos() / 1e3 / this.messages).toArray());
	}

	double processCpuMicrosPerMessage() {
		return median(this.rounds.stream().mapToDouble((r) -> r.processCpuNanos() / 1e3 / this.messages).toArray());
	}

	long peakHeap() {
		return this.rounds.stream().mapToLong(Round::peakHeap).max().orElse(0);
	}

	double connectionsPerRound() {
		return median(this.rounds.stream().mapToDouble(Round::connections).toArray());
	}

	static double median(double[] values) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

}
