// SPDX-License-Identifier: Apache-2.0
// tiltfile-check: parses and resolves Tiltfiles with the real Starlark implementation (go.starlark.net)
// in Tilt's dialect, with Tilt's builtins predeclared: syntax errors and undefined names fail, nothing
// is executed. Usage: tiltfile-check FILE...
package main

import (
	"fmt"
	"os"

	"go.starlark.net/resolve"
	"go.starlark.net/starlark"
	"go.starlark.net/syntax"
)

// Tilt's global functions, modules and constants (docs.tilt.dev/api.html).
var tiltBuiltins = []string{
	"allow_k8s_contexts", "analytics_settings", "blob", "ci_settings", "cmd_button", "config",
	"custom_build", "dc_resource", "decode_json", "decode_yaml", "decode_yaml_stream", "default_registry",
	"disable_snapshots", "docker_build", "docker_compose", "docker_prune_settings", "encode_json",
	"encode_yaml", "encode_yaml_stream", "enable_feature", "exit", "extension_repo", "fall_back_on",
	"filter_yaml", "helm", "include", "initial_sync", "k8s_context", "k8s_custom_deploy",
	"k8s_image_json_path", "k8s_kind", "k8s_namespace", "k8s_resource", "k8s_yaml", "kustomize", "link",
	"listdir", "load_dynamic", "local", "local_resource", "os", "port_forward", "probe", "exec_action",
	"http_get_action", "tcp_socket_action", "read_file", "read_json", "read_yaml", "restart_container",
	"run", "secret_settings", "set_team", "shlex", "sys", "sync", "text_input", "bool_input",
	"choice_input", "location", "trigger_mode", "TRIGGER_MODE_AUTO", "TRIGGER_MODE_MANUAL",
	"update_settings", "v1alpha1", "version_settings", "warn", "watch_file", "watch_settings",
	"workload_to_resource_function", "fail", "struct",
}

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: tiltfile-check FILE...")
		os.Exit(2)
	}
	predeclared := map[string]bool{}
	for _, name := range tiltBuiltins {
		predeclared[name] = true
	}
	// Tilt's dialect: top-level if/for, while, set, reassignment of globals, recursion.
	opts := &syntax.FileOptions{Set: true, While: true, TopLevelControl: true, GlobalReassign: true, Recursion: true}
	failed := false
	for _, path := range os.Args[1:] {
		f, err := opts.Parse(path, nil, 0)
		if err == nil {
			err = resolve.File(f, func(n string) bool { return predeclared[n] }, starlark.Universe.Has)
		}
		if err != nil {
			failed = true
			if list, ok := err.(resolve.ErrorList); ok {
				for _, e := range list {
					fmt.Fprintf(os.Stderr, "%s: %s\n", e.Pos, e.Msg)
				}
			} else {
				fmt.Fprintln(os.Stderr, err)
			}
			continue
		}
		fmt.Printf("%s: ok (%d statements)\n", path, len(f.Stmts))
	}
	if failed {
		os.Exit(1)
	}
}
