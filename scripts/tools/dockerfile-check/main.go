// SPDX-License-Identifier: Apache-2.0
// dockerfile-check: parses a Dockerfile with BuildKit's own parser and instruction decoder, runs
// BuildKit's linter (the rules of `docker build --check`; any warning fails), and checks our
// multi-stage contract: the named targets exist, the last stage is the runtime one and runs as a
// non-root user, and every COPY/ADD source from the build context exists and is not excluded by
// .dockerignore. Usage: dockerfile-check DOCKERFILE CONTEXT_DIR TARGET...
package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/moby/buildkit/frontend/dockerfile/instructions"
	"github.com/moby/buildkit/frontend/dockerfile/linter"
	"github.com/moby/buildkit/frontend/dockerfile/parser"
	"github.com/moby/patternmatcher"
	"github.com/moby/patternmatcher/ignorefile"
)

var problems []string

func problem(format string, args ...any) { problems = append(problems, fmt.Sprintf(format, args...)) }

func main() {
	if len(os.Args) < 4 {
		fmt.Fprintln(os.Stderr, "usage: dockerfile-check DOCKERFILE CONTEXT_DIR TARGET...")
		os.Exit(2)
	}
	dockerfile, contextDir, targets := os.Args[1], os.Args[2], os.Args[3:]
	f, err := os.Open(dockerfile)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	defer f.Close()
	res, err := parser.Parse(f)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", dockerfile, err)
		os.Exit(1)
	}
	for _, w := range res.Warnings {
		problem("parser: %s", w.Short)
	}
	lint := linter.New(&linter.Config{Warn: func(rule, desc, url, msg string, loc []parser.Range) {
		line := 0
		if len(loc) > 0 {
			line = loc[0].Start.Line
		}
		problem("line %d: %s: %s", line, rule, msg)
	}})
	stages, _, err := instructions.Parse(res.AST, lint)
	if err != nil {
		fmt.Fprintf(os.Stderr, "%s: %v\n", dockerfile, err)
		os.Exit(1)
	}

	var ignore *patternmatcher.PatternMatcher
	if di, err := os.Open(filepath.Join(contextDir, ".dockerignore")); err == nil {
		patterns, err := ignorefile.ReadAll(di)
		di.Close()
		if err == nil {
			ignore, err = patternmatcher.New(patterns)
		}
		if err != nil {
			problem(".dockerignore: %v", err)
		}
	}

	byName := map[string]bool{}
	for i, st := range stages {
		byName[strings.ToLower(st.Name)] = true
		user := ""
		for _, cmd := range st.Commands {
			var sources []string
			switch c := cmd.(type) {
			case *instructions.CopyCommand:
				if c.From == "" {
					sources = c.SourcePaths
				}
			case *instructions.AddCommand:
				sources = c.SourcePaths
			case *instructions.UserCommand:
				user = c.User
			}
			for _, src := range sources {
				if strings.Contains(src, "://") || strings.ContainsAny(src, "*?[$") {
					continue
				}
				rel := filepath.Clean(src)
				if rel == "." {
					continue
				}
				if _, err := os.Stat(filepath.Join(contextDir, rel)); err != nil {
					problem("stage %s: COPY source %s does not exist", st.Name, src)
				} else if ignore != nil {
					if excluded, _ := ignore.MatchesOrParentMatches(filepath.ToSlash(rel)); excluded {
						problem("stage %s: COPY source %s is excluded by .dockerignore", st.Name, src)
					}
				}
			}
		}
		if i == len(stages)-1 {
			if user == "" || user == "root" || strings.HasPrefix(user, "0") {
				problem("last stage %s runs as root (USER %q)", st.Name, user)
			}
		}
	}
	for _, t := range targets {
		if !byName[strings.ToLower(t)] {
			problem("no stage named %s", t)
		}
	}
	if last := stages[len(stages)-1]; len(targets) > 0 && !strings.EqualFold(last.Name, targets[len(targets)-1]) {
		problem("the last (default) stage is %s, expected %s", last.Name, targets[len(targets)-1])
	}
	for _, p := range problems {
		fmt.Fprintf(os.Stderr, "%s: %s\n", dockerfile, p)
	}
	if len(problems) > 0 {
		os.Exit(1)
	}
	fmt.Printf("%s: ok (%d stages)\n", dockerfile, len(stages))
}
