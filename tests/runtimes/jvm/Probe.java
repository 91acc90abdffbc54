/*
 * Probe.java - HotSpot exercising its own SIGSEGV/SIGBUS uses (implicit null
 * checks in JIT-compiled code, stack banging into the guard zone, Unsafe
 * access past the end of a truncated mapped file) with the library active
 * ("with": initialised through JNI once the JVM runs; "first": installed
 * before the JVM started, by the preinit shim) or not ("without").
 * Usage: java Probe with|first|without batch|crash MAPFILE
 */
import java.io.RandomAccessFile;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;

public class Probe {
	static native int init();
	static native long faultcopy();
	static native void crash();

	static final class Box {
		int v = 1;
	}

	/*
	 * Compiled by C2 after the warm-up (never a null seen, so the null
	 * check is the load itself); a null element then faults in C2 code.
	 */
	static int sum(Box[] boxes) {
		int s = 0;
		for (int i = 0; i < boxes.length; i++)
			s += boxes[i].v;
		return s;
	}

	static int depth;

	static void recurse() {
		depth++;
		recurse();
	}

	static byte read(MappedByteBuffer m, int i) {
		return m.get(i);
	}

	public static void main(String[] args) throws Exception {
		boolean with = !args[0].equals("without");
		/* The same JNI library in every mode; "without" never calls libcopymc. */
		System.loadLibrary("copymcprobe");
		if (args[0].equals("with"))
			System.out.println("copy_mc_init: " + init());
		if (with)
			System.out.println("faultcopy: " + faultcopy() + " of 300");
		if (args[1].equals("crash")) {
			System.out.println("crashing");
			System.out.flush();
			crash();
			System.out.println("survived the crash");
			return;
		}

		/* Implicit NullPointerExceptions: warm up, then null, several rounds. */
		Box[] good = new Box[100], bad = new Box[100];
		for (int i = 0; i < 100; i++)
			good[i] = bad[i] = new Box();
		bad[77] = null;
		int npes = 0;
		long s = 0;
		for (int round = 0; round < 20; round++) {
			for (int i = 0; i < 20000; i++)
				s += sum(good);
			try {
				s += sum(bad);
			} catch (NullPointerException e) {
				npes++;
			}
		}
		System.out.println("npe: caught " + npes + " of 20 (sum " + s + ")");

		/* StackOverflowError, three times: the guard zones must re-arm. */
		int soes = 0;
		for (int i = 0; i < 3; i++) {
			try {
				depth = 0;
				recurse();
			} catch (StackOverflowError e) {
				soes++;
			}
		}
		System.out.println("soe: caught " + soes + " of 3");

		/* A mapped file truncated under the mapping: read past the new EOF. */
		String path = args[2];
		try (RandomAccessFile f = new RandomAccessFile(path, "rw")) {
			f.setLength(65536);
			MappedByteBuffer m = f.getChannel().map(FileChannel.MapMode.READ_ONLY, 0, 65536);
			long t = 0;
			for (int i = 0; i < 200000; i++)
				t += read(m, i & 4095);
			f.setLength(4096);
			for (int k = 0; k < 2; k++) {
				try {
					t += read(m, 8192 + k);
					System.out.println("mbb: read past EOF returned");
				} catch (InternalError e) {
					System.out.println("mbb: " + e.getClass().getName() + ": " + e.getMessage());
				}
			}
		}

		if (with)
			System.out.println("faultcopy after: " + faultcopy() + " of 300");
		System.out.println("done");
	}
}
