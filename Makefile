# techwin — the commands people type. CMake does the building; this file only
# wraps it so `make demo` and `make check` work on a fresh Debian machine.

BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
TECHWIN     = $(BUILD)/techwin
# The demo pipeline is written around this date; pass DEMO_TODAY=... to move it.
DEMO_TODAY ?= 2026-11-26
DEMO_DEAL  ?= lakeshore-retail
# make demo-serve serves the demo pipeline on 127.0.0.1:DEMO_PORT.
DEMO_PORT  ?= 8080

.PHONY: all deps build check asan demo demo-serve install clean bench fuzz soak

all: build

deps:
	@./scripts/install-deps

$(BUILD)/CMakeCache.txt: | deps
	cmake -S . -B $(BUILD) -DTW_WERROR=ON

build: deps $(BUILD)/CMakeCache.txt
	cmake --build $(BUILD) -j $(JOBS)

check: build
	cd $(BUILD) && ctest --output-on-failure -j $(JOBS)

# The same tests under AddressSanitizer + UndefinedBehaviorSanitizer.
asan: deps
	cmake -S . -B $(ASAN_BUILD) -DTW_WERROR=ON -DTW_SANITIZE=ON \
		-DCMAKE_BUILD_TYPE=Debug
	cmake --build $(ASAN_BUILD) -j $(JOBS)
	cd $(ASAN_BUILD) && ASAN_OPTIONS=detect_leaks=1 \
		LSAN_OPTIONS=suppressions=$(CURDIR)/tests/lsan.supp \
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

demo: build
	@./scripts/demo $(TECHWIN) $(DEMO_TODAY) $(DEMO_DEAL)

# The demo pipeline in the browser, with a demo editor account it prints.
demo-serve: build
	@./scripts/demo-serve $(TECHWIN) $(DEMO_TODAY) $(DEMO_PORT)

# Benchmarks against baselines run side by side (BENCHMARKS.md).
bench: build
	./bench/run $(TECHWIN)

# libFuzzer targets (clang, ASan + UBSan), FUZZ_SECONDS each.
FUZZ_SECONDS ?= 30
fuzz: deps
	./tests/fuzz/run $(FUZZ_SECONDS)

# serve under sustained mixed load (BENCHMARKS.md).
soak: build
	./bench/soak $(TECHWIN)

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) demo-out
