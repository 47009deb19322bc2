module rec
go 1.24
