package dev.atelier.compute.internal.cuda;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * cuBLAS through the foreign function API, where a library is found: {@code ATELIER_CUBLAS} (a file, or {@code none}
 * to use Atelier's kernels only), a CUDA toolkit ({@code CUDA_HOME}, {@code CUDA_PATH}, {@code /usr/local/cuda*}), the
 * library path, the system's library directories, or a PyTorch installation's {@code site-packages/nvidia/*}/lib.
 * Only what batched matmuls need is bound: a handle on the compute's stream with a workspace under its lease, and
 * {@code cublasGemmEx}.
 */
final class Cublas {

	/** cublasOperation_t, cudaDataType, cublasComputeType_t and cublasGemmAlgo_t values. */
	static final int OP_N = 0, OP_T = 1, R_32F = 0, R_16F = 2, COMPUTE_32F = 68, GEMM_DEFAULT = -1;

	private static final List<String> NAMES = List.of("libcublas.so.13", "libcublas.so.12");
	private static final List<String> PIP_DIRS = List.of("cu13/lib", "cublas/lib");

	/** A library found on this machine and its version. */
	record Library(Path path, String version, MethodHandle create, MethodHandle destroy, MethodHandle setStream, MethodHandle setWorkspace,
			MethodHandle gemmEx) {
	}

	private static volatile Optional<Library> found;
	private static volatile String searched = "";

	private Cublas() {
	}

	/** The library this process uses, looked for once; empty with {@link #searched()} saying where it looked. */
	static synchronized Optional<Library> library() {
		if (found == null) {
			found = search(System.getenv());
		}
		return found;
	}

	/** Where the search looked, for a description without cuBLAS. */
	static String searched() {
		return searched;
	}

	private static Optional<Library> search(Map<String, String> env) {
		String chosen = env.getOrDefault("ATELIER_CUBLAS", "");
		if (chosen.equalsIgnoreCase("none")) {
			searched = "ATELIER_CUBLAS=none";
			return Optional.empty();
		}
		List<Path> candidates = chosen.isEmpty() ? CudaLibraries.candidates(env, NAMES, PIP_DIRS) : List.of(Path.of(chosen));
		List<String> failures = new ArrayList<>();
		for (Path path : candidates) {
			if (Files.isRegularFile(path)) {
				try {
					return Optional.of(bind(path));
				} catch (RuntimeException | LinkageError e) {
					failures.add(path + ": " + e.getMessage());
				}
			}
		}
		searched = failures.isEmpty() ? "no libcublas.so.13/12 in " + candidates.stream().map(Path::getParent).distinct().count() + " places "
				+ "(CUDA toolkits, library paths, PyTorch's nvidia/*/lib; ATELIER_CUBLAS names one)" : String.join("; ", failures);
		return Optional.empty();
	}

	private static Library bind(Path path) {
		Linker linker = Linker.nativeLinker();
		Arena arena = Arena.global(); // the library stays loaded for the life of the process
		// cuBLAS needs cuBLASLt; loading the one beside it first makes the dynamic linker find it by its name
		String lt = path.getFileName().toString().replace("libcublas", "libcublasLt");
		if (Files.isRegularFile(path.resolveSibling(lt))) {
			SymbolLookup.libraryLookup(path.resolveSibling(lt), arena);
		}
		SymbolLookup lookup = SymbolLookup.libraryLookup(path, arena);
		MethodHandle property = linker.downcallHandle(lookup.findOrThrow("cublasGetProperty"), FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS));
		String version;
		try (Arena local = Arena.ofConfined()) {
			MemorySegment value = local.allocate(JAVA_INT);
			int[] parts = new int[3];
			for (int i = 0; i < 3; i++) { // MAJOR_VERSION, MINOR_VERSION, PATCH_LEVEL
				check((int) property.invokeExact(i, value), "cublasGetProperty");
				parts[i] = value.get(JAVA_INT, 0);
			}
			version = parts[0] + "." + parts[1] + "." + parts[2];
		} catch (RuntimeException e) {
			throw e;
		} catch (Throwable e) {
			throw new IllegalStateException(e);
		}
		FunctionDescriptor gemm = FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS,
				JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS, ADDRESS, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT);
		return new Library(path, version, linker.downcallHandle(lookup.findOrThrow("cublasCreate_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS)),
				linker.downcallHandle(lookup.findOrThrow("cublasDestroy_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS)),
				linker.downcallHandle(lookup.findOrThrow("cublasSetStream_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS)),
				linker.downcallHandle(lookup.findOrThrow("cublasSetWorkspace_v2"), FunctionDescriptor.of(JAVA_INT, ADDRESS, ADDRESS, JAVA_LONG)),
				linker.downcallHandle(lookup.findOrThrow("cublasGemmEx"), gemm));
	}

	static void check(int status, String call) {
		if (status != 0) {
			throw new IllegalStateException(call + " failed: cublasStatus_t " + status);
		}
	}

	/** A cuBLAS handle bound to one stream, with a workspace of device memory that the caller owns. */
	static final class Handle implements AutoCloseable {
		private final Library library;
		private final MemorySegment handle;
		private final Arena arena = Arena.ofShared();
		private final MemorySegment one;
		private final MemorySegment zero;

		Handle(Library library, long stream, long workspace, long workspaceBytes) {
			this.library = library;
			one = arena.allocate(JAVA_INT).fill((byte) 0);
			one.set(java.lang.foreign.ValueLayout.JAVA_FLOAT, 0, 1f);
			zero = arena.allocate(JAVA_INT).fill((byte) 0);
			try {
				MemorySegment out = arena.allocate(ADDRESS);
				check((int) library.create().invokeExact(out), "cublasCreate");
				handle = out.get(ADDRESS, 0);
				check((int) library.setStream().invokeExact(handle, MemorySegment.ofAddress(stream)), "cublasSetStream");
				check((int) library.setWorkspace().invokeExact(handle, MemorySegment.ofAddress(workspace), workspaceBytes), "cublasSetWorkspace");
			} catch (RuntimeException e) {
				arena.close();
				throw e;
			} catch (Throwable e) {
				arena.close();
				throw new IllegalStateException(e);
			}
		}

		/**
		 * C (m × n, column-major, ldc) = op(A)·B in F32, with A of {@code type} stored k-contiguous (transposed: weights
		 * [out, in]) and B k-contiguous too: for row-major out (tokens × rows) = x · Wᵀ.
		 */
		void gemm(int m, int n, int k, long a, int type, int lda, long b, int ldb, long c, int ldc) {
			try {
				check((int) library.gemmEx().invokeExact(handle, OP_T, OP_N, m, n, k, one, MemorySegment.ofAddress(a), type, lda,
						MemorySegment.ofAddress(b), type, ldb, zero, MemorySegment.ofAddress(c), R_32F, ldc, COMPUTE_32F, GEMM_DEFAULT), "cublasGemmEx");
			} catch (RuntimeException e) {
				throw e;
			} catch (Throwable e) {
				throw new IllegalStateException(e);
			}
		}

		@Override
		public void close() {
			try {
				check((int) library.destroy().invokeExact(handle), "cublasDestroy");
			} catch (RuntimeException e) {
				throw e;
			} catch (Throwable e) {
				throw new IllegalStateException("cublasDestroy failed", e);
			} finally {
				arena.close();
			}
		}
	}
}
