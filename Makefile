# A thin front for the two commands; the build system is CMake (build/).
# `make fuzz` builds the libFuzzer targets of fuzz/ with clang into
# build-fuzz/ and runs each for FUZZ_SECONDS (make -j2 fuzz: two at once);
# findings go to build-fuzz/crashes/TARGET/ (docs/reliability.md).
FUZZ_SECONDS ?= 60
.PHONY: all demo test test-sanitize install clean fuzz
all:
	./sono.sh build
demo:
	./sono.sh demo
test:
	./sono.sh test
test-sanitize:
	./sono.sh test-sanitize
install: all
	cmake --install build
fuzz:
	$(MAKE) -C fuzz run BUILD=$(CURDIR)/build-fuzz FUZZ_SECONDS=$(FUZZ_SECONDS)
clean:
	rm -rf build build-sanitize demo-output
