# chengguan — thin wrapper around the CMake build and the dev scripts.
#   make run     deps, build, dev environment in var/, then chengguand in the foreground
#   make check   deps, build, then every test through ctest
# The README calls these through ./make, which installs make itself first where
# it is missing. See `make help`.

SHELL := /bin/bash
.DEFAULT_GOAL := help
# Debian's plain `su` leaves /usr/sbin off root's PATH; apt, dpkg and runuser need it.
export PATH := $(PATH):/usr/local/sbin:/usr/sbin:/sbin

BUILD_DIR  := build
BUILD_TYPE ?= RelWithDebInfo
VAR        := $(CURDIR)/var
NPROC      := $(shell nproc 2>/dev/null || echo 2)
CG_WERROR  := $(if $(CI),ON,OFF)
CMAKE_ARGS ?=

.PHONY: help deps build run check clean

help:
	@echo 'chengguan targets (./make installs make first on a machine without it; then make X is the same):'
	@echo '  ./make run    install missing deps, build into $(BUILD_DIR)/, set up var/ (PKI, PostgreSQL,'
	@echo '                migrations, dev accounts) and run chengguand on 127.0.0.1:7443 in the foreground'
	@echo '  ./make check  install missing deps, build, run every test (ctest); exit 0 only if all pass'
	@echo '  ./make build  configure and build into $(BUILD_DIR)/'
	@echo '  ./make deps   install missing build/run dependencies (apt-get)'
	@echo '  ./make clean  remove build directories ($(BUILD_DIR)/, build-*/) and their test clusters; var/ is kept'
	@echo 'Stop the dev database with: scripts/dev-db.sh var/pg stop'

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCG_WERROR=$(CG_WERROR) $(CMAKE_ARGS)
	cmake --build $(BUILD_DIR) -j$(NPROC)

run: build
	scripts/dev-env.sh $(VAR)
	@echo
	@echo 'Starting chengguand (Ctrl-C to stop; PostgreSQL keeps running: scripts/dev-db.sh var/pg stop)'
	exec $(BUILD_DIR)/chengguand --config $(VAR)/chengguand.ini

check: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j2

clean:
	@for d in $(BUILD_DIR) build-*/; do \
	    [ ! -d "$$d/test-env" ] || tests/integration/env.sh destroy "$$d/test-env"; \
	done
	rm -rf $(BUILD_DIR) build-*/
