{#- The cover of the print edition (mkdocs-print-site-plugin; `make pdf` prints it). -#}
<div class="nn7-cover">
  <h1>{{ config.site_name }}</h1>
  {% if config.site_description %}<p>{{ config.site_description }}</p>{% endif %}
  <p>打印版：首页、7.7 节正文、扩展实验、附录和动手实验室的说明。每一段代码、打印输出、图和正文中来自运行的数字，都是构建本站时运行真实代码得到的。</p>
  <p>源代码：{{ config.repo_url }}</p>
  {% if config.copyright %}<p>{{ config.copyright }}</p>{% endif %}
</div>
