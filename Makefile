# techwin — the commands people type. CMake does the building; this file only
# wraps it so `make demo` and `make check` work on a fresh Debian machine.

BUILD      ?= build
ASAN_BUILD ?= build-asan
PREFIX     ?= /usr/local
JOBS       ?= $(shell nproc 2>/dev/null || echo 2)
TECHWIN     = $(BUILD)/techwin
DEMO_DB     = demo-out/demo.db
# The demo pipeline is written around this date; pass DEMO_TODAY=... to move it.
DEMO_TODAY ?= 2026-11-26
DEMO_DEAL  ?= lakeshore-retail

.PHONY: all deps build check asan demo install clean

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
		UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
		ctest --output-on-failure -j $(JOBS)

demo: build
	@rm -rf demo-out && mkdir -p demo-out
	@echo '$$ techwin init'
	@$(TECHWIN) --db $(DEMO_DB) init
	@echo; echo '$$ techwin import examples/*.yaml'
	@$(TECHWIN) --db $(DEMO_DB) import examples/*.yaml
	@echo; echo '$$ techwin deal list'
	@$(TECHWIN) --db $(DEMO_DB) --today $(DEMO_TODAY) deal list
	@echo; echo '$$ techwin deal show $(DEMO_DEAL)'
	@$(TECHWIN) --db $(DEMO_DB) --today $(DEMO_TODAY) deal show $(DEMO_DEAL)
	@echo; echo '$$ techwin criterion list $(DEMO_DEAL)'
	@$(TECHWIN) --db $(DEMO_DB) --today $(DEMO_TODAY) criterion list $(DEMO_DEAL)
	@echo; echo '$$ techwin risk list $(DEMO_DEAL)'
	@$(TECHWIN) --db $(DEMO_DB) --today $(DEMO_TODAY) risk list $(DEMO_DEAL)
	@echo; echo '$$ techwin phase list $(DEMO_DEAL)'
	@$(TECHWIN) --db $(DEMO_DB) --today $(DEMO_TODAY) phase list $(DEMO_DEAL)
	@echo; echo "demo database: $(DEMO_DB) (try: $(TECHWIN) --db $(DEMO_DB) help)"

install: build
	cmake --install $(BUILD) --prefix $(PREFIX)

clean:
	rm -rf $(BUILD) $(ASAN_BUILD) demo-out
