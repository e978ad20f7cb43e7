package dev.resilientmail.benchmarks.harness;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.util.List;

import javax.management.MBeanServer;
import javax.management.ObjectName;

/**
 * Heap figures from the platform MXBeans: heap in use after full collections, the peak of
 * the heap pools since a reset, bytes allocated by the current thread, and class
 * histograms from the {@code DiagnosticCommand} MBean.
 */
final class HeapProbe {

	private static final com.sun.management.ThreadMXBean THREADS = (com.sun.management.ThreadMXBean) ManagementFactory
		.getThreadMXBean();

	private static final List<MemoryPoolMXBean> HEAP_POOLS = ManagementFactory.getMemoryPoolMXBeans()
		.stream()
		.filter((pool) -> pool.getType() == MemoryType.HEAP)
		.toList();

	private HeapProbe() {
	}

	/** Heap in use after full collections: what is retained, give or take a few KiB. */
	static long retainedHeap() {
		long used = Long.MAX_VALUE;
		for (int i = 0; i < 3; i++) {
			System.gc();
			used = Math.min(used, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
		}
		return used;
	}

	static void resetPeak() {
		for (MemoryPoolMXBean pool : HEAP_POOLS) {
			pool.resetPeakUsage();
		}
	}

	/**
	 * The sum of the heap pools' peaks since {@link #resetPeak()}: an upper bound of the
	 * heap in use at any moment (the pools may peak at different moments), garbage
	 * included.
	 */
	static long peakHeap() {
		long sum = 0;
		for (MemoryPoolMXBean pool : HEAP_POOLS) {
			sum += pool.getPeakUsage().getUsed();
		}
		return sum;
	}

	static long cpuNanosOfThisThread() {
		return THREADS.getCurrentThreadCpuTime();
	}

	/**
	 * CPU time of this process and of the child processes it has waited for (such as
	 * {@code smtp-source}), in nanoseconds; children from {@code /proc/self/stat} in
	 * clock ticks of 10 ms, so only a long round resolves them well.
	 */
	static long cpuNanosOfProcessAndChildren() {
		long own = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
			.getProcessCpuTime();
		return own + childrenCpuNanos();
	}

	private static long childrenCpuNanos() {
		try {
			String stat = java.nio.file.Files.readString(java.nio.file.Path.of("/proc/self/stat"));
			// fields after the command name in parentheses, which may hold spaces
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// fields 16 and 17 of stat(5) (cutime, cstime) are 13 and 14 after the name
			return (Long.parseLong(fields[13]) + Long.parseLong(fields[14])) * 10_000_000L;
		}
		catch (java.io.IOException | RuntimeException ex) {
			return 0;
		}
	}

	static long allocatedByThisThread() {
		return THREADS.getCurrentThreadAllocatedBytes();
	}

	/**
	 * The bytes of all live objects, exactly: the total of a class histogram (which runs
	 * a full collection first). Unlike the heap in use it has no region or TLAB slack.
	 */
	static long liveBytes() {
		String histogram = classHistogram();
		for (String line : histogram.split("\n")) {
			String[] parts = line.trim().split("\\s+");
			if (parts.length == 3 && parts[0].equals("Total")) {
				return Long.parseLong(parts[2]);
			}
		}
		throw new IllegalStateException("no Total line in the class histogram: " + histogram);
	}

	/** The class histogram of live objects ({@code jcmd GC.class_histogram}). */
	static String classHistogram() {
		try {
			MBeanServer server = ManagementFactory.getPlatformMBeanServer();
			return (String) server.invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
					"gcClassHistogram", new Object[] { new String[0] }, new String[] { String[].class.getName() });
		}
		catch (Exception ex) {
			return "class histogram unavailable: " + ex;
		}
	}

}
