module rec
go 1.24
require github.com/roadrunner-server/api-plugins/v6 v6.0.0
replace github.com/roadrunner-server/api-plugins/v6 => ./stub
