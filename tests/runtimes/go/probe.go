// probe.go - the Go runtime (cgo) with the library active or not: a nil
// pointer dereference recovered by recover(), then, with "unrecovered", one
// that is not and must end with the runtime's own panic text and exit code.
// Usage: probe with|without recovered|unrecovered
package main

/*
#cgo LDFLAGS: -lcopymc
#include "faultcopy.h"
*/
import "C"

import (
	"fmt"
	"os"
)

type box struct{ v int }

//go:noinline
func deref(b *box) int { return b.v }

func recovered() (msg string) {
	defer func() {
		if r := recover(); r != nil {
			msg = fmt.Sprint(r)
		}
	}()
	var b *box
	deref(b)
	return "no panic"
}

func main() {
	if len(os.Args) != 3 {
		fmt.Fprintln(os.Stderr, "usage: probe with|without recovered|unrecovered")
		os.Exit(2)
	}
	if os.Args[1] == "with" {
		fmt.Println("copy_mc_init:", C.copy_mc_init())
		fmt.Println("faultcopy:", C.faultcopy(), "of", C.FAULTCOPY_LEN)
	}
	for i := 0; i < 3; i++ {
		fmt.Println("recovered:", recovered())
	}
	if os.Args[1] == "with" {
		fmt.Println("faultcopy after:", C.faultcopy(), "of", C.FAULTCOPY_LEN)
	}
	if os.Args[2] == "unrecovered" {
		var b *box
		fmt.Println("crashing")
		fmt.Println(deref(b))
	}
	fmt.Println("done")
}
