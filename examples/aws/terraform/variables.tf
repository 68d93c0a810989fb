variable "app_origin" {
  description = "The web app that calls the API"
  default     = "https://app.example.com"
}
