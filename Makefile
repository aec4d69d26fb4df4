# A thin front for the two commands; the build system is CMake (build/).
.PHONY: all demo test install clean
all:
	./sono.sh build
demo:
	./sono.sh demo
test:
	./sono.sh test
install: all
	cmake --install build
clean:
	rm -rf build demo-output
