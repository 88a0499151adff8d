module example.com/demo

go 1.19

require (
	golang.org/x/text v0.3.0 // indirect
)
