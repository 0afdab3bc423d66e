# h2otel — the two commands a newcomer needs are `make run` and `make test`.
BUILD_DIR ?= build
BUILD_TYPE ?= Release
CMAKE_FLAGS ?=
RUN_ARGS ?=

.PHONY: all deps build run test format format-check clean

all: build

deps:
	scripts/install-deps

$(BUILD_DIR)/build.ninja:
	cmake -S . -B $(BUILD_DIR) -G Ninja -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) $(CMAKE_FLAGS)

build: $(BUILD_DIR)/build.ninja
	cmake --build $(BUILD_DIR)

## run: build and start the service on its embedded defaults
run: deps build
	@echo "h2otel: starting on its embedded defaults (http://127.0.0.1:8080/ unless RUN_ARGS says otherwise);"
	@echo "h2otel: the JSON 'listening' line shows the URL; Ctrl-C drains and stops it."
	$(BUILD_DIR)/h2otel $(RUN_ARGS)

## test: install what is missing, build (Release and ASan+UBSan), run every test
test:
	scripts/test

format:
	scripts/format

format-check:
	scripts/format --check

clean:
	rm -rf build build-*

## kind / up / down: the local Kubernetes stack (docs/kubernetes.md)
.PHONY: kind up down
kind:
	scripts/kind-up
up: kind
	@scripts/tools/need tilt helm
	PATH="$$(dirname "$$(scripts/tools/helm --print-path)"):$$PATH" tilt up
down:
	scripts/kind-down
