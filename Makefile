# chengguan — thin wrapper around the CMake build and the dev scripts.
#   make run     deps, build, dev environment in var/, then chengguand in the foreground
#   make check   deps, build, then every test through ctest
# See `make help`.

SHELL := /bin/bash
.DEFAULT_GOAL := help

BUILD_DIR  := build
BUILD_TYPE ?= RelWithDebInfo
VAR        := $(CURDIR)/var
NPROC      := $(shell nproc 2>/dev/null || echo 2)
CG_WERROR  := $(if $(CI),ON,OFF)
CMAKE_ARGS ?=
ACCOUNTS   := hq supervision xinglongtai shuangtaizi dawa liaodongwan panshan detachment property-demo hotline

.PHONY: help deps build run check clean

help:
	@echo 'chengguan make targets:'
	@echo '  make run     install missing deps, build into $(BUILD_DIR)/, set up var/ (PKI, PostgreSQL,'
	@echo '               migrations, dev accounts) and run chengguand on 127.0.0.1:7443 in the foreground'
	@echo '  make check   install missing deps, build, run every test (ctest); exit 0 only if all pass'
	@echo '  make build   configure and build into $(BUILD_DIR)/'
	@echo '  make deps    install missing build/run dependencies (apt-get)'
	@echo '  make clean   remove build directories ($(BUILD_DIR)/, build-*/); var/ is kept'
	@echo 'Stop the dev database with: scripts/dev-db.sh var/pg stop'

deps:
	@scripts/deps.sh

build: deps
	cmake -S . -B $(BUILD_DIR) -DCMAKE_BUILD_TYPE=$(BUILD_TYPE) -DCG_WERROR=$(CG_WERROR) $(CMAKE_ARGS)
	cmake --build $(BUILD_DIR) -j$(NPROC)

run: build
	scripts/dev-env.sh $(VAR)
	@echo
	@echo 'Connect the CLI as a dev account (from $(CURDIR); elsewhere set CHENGGUAN_PKI=$(VAR)/pki):'
	@for a in $(ACCOUNTS); do printf '  %s/chengguan --as %-13s whoami\n' '$(BUILD_DIR)' "$$a"; done
	@echo '  $(BUILD_DIR)/chengguan --as xinglongtai ping'
	@echo 'or explicitly: $(BUILD_DIR)/chengguan --server 127.0.0.1:7443 --ca $(VAR)/pki/ca.crt \'
	@echo '                 --cert $(VAR)/pki/clients/hq.crt --key $(VAR)/pki/clients/hq.key whoami'
	@echo
	@echo 'Starting chengguand (Ctrl-C to stop; PostgreSQL keeps running: scripts/dev-db.sh var/pg stop)'
	exec $(BUILD_DIR)/chengguand --config $(VAR)/chengguand.ini

check: build
	ctest --test-dir $(BUILD_DIR) --output-on-failure -j2

clean:
	rm -rf $(BUILD_DIR) build-*/
