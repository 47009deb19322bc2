module github.com/roadrunner-server/api-plugins/v6
go 1.22
