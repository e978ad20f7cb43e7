package dev.resilientmail.benchmarks;

import java.lang.management.ManagementFactory;
import java.util.List;

import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * A JMH profiler that divides the operations of each iteration by the CPU time the
 * benchmark process used, not by the wall-clock time: on a machine shared with other work
 * the wall-clock score says how much CPU the benchmark was given as much as how fast the
 * code is. Use with {@code -prof dev.resilientmail.benchmarks.CpuTimeProfiler}; it adds
 * {@code cpu.thrpt} (operations per CPU-second of the whole process, JIT and GC threads
 * included, so a slight underestimate) and {@code cpu.share} (CPU-seconds per wall-clock
 * second: near 1 for one benchmark thread that had a core to itself).
 *
 * @since 0.1.0
 */
public final class CpuTimeProfiler implements InternalProfiler {

	private final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private long cpuStart;

	private long wallStart;

	@Override
	public String getDescription() {
		return "Throughput per CPU-second of the benchmark process, steadier than wall-clock on a shared machine";
	}

	@Override
	public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {
		this.cpuStart = this.os.getProcessCpuTime();
		this.wallStart = System.nanoTime();
	}

	@Override
	public List<? extends Result<?>> afterIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams,
			IterationResult result) {
		long cpu = this.os.getProcessCpuTime() - this.cpuStart;
		long wall = System.nanoTime() - this.wallStart;
		if (cpu <= 0 || wall <= 0) {
			return List.of();
		}
		double ops = result.getMetadata().getMeasuredOps();
		return List.of(new ScalarResult("cpu.thrpt", ops / (cpu / 1e9), "ops/cpu-s", AggregationPolicy.AVG),
				new ScalarResult("cpu.share", (double) cpu / wall, "cpu-s/s", AggregationPolicy.AVG));
	}

}
