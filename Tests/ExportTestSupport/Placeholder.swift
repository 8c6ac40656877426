import ExportCore
